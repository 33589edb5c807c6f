package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;

/**
 * Two-person activation of a policy (REQ-62; socle/policy_approval.hpp;
 * docs/policy-approval.md): a new policy takes effect on a state ledger once two distinct
 * professionals, one whose role holds DPO_ROLE in the policy in force, approved it and it was
 * activated. Every step is an event of the state ledger and an operation of the access trail.
 *
 * <pre>
 *   PolicyApproval.KeyPair key = PolicyApproval.generateKey("dpo1");
 *   PolicyApproval.registerKey(engine, "dpo1", key.verifierKey(), "dpo1");
 *   String note = PolicyApproval.sign(current, next, "dpo1", key.signerKey());
 *   PolicyApproval.record(trail, engine, next, note);   // and the second approver's
 *   PolicyApproval.activate(trail, engine, next, "resp1");
 *   engine = AccessEngine.open(next, stateLedger);
 * </pre>
 *
 * The signer key is a secret: keep it where only its holder reads it.
 */
public final class PolicyApproval {
    private PolicyApproval() {}

    /** An approval key: the signer key (a secret) and the verifier key to register. */
    public record KeyPair(byte[] signerKey, String verifierKey) {}

    /** The ledger's policy in force: mode (SOCLE_POLICY_ACTIVATION_*), digest (hex), and the
     * approvals recorded since it came into force. */
    public record InForce(int mode, String digest, long pendingApprovals) {}

    /** A fresh approval key named {@code name} (no '+', no white space). */
    public static KeyPair generateKey(String name) {
        SocleLibrary.Buffer signer = new SocleLibrary.Buffer();
        SocleLibrary.Buffer verifier = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_policy_approval_key_generate(name,
                Socle.size(Socle.utf8Length(name)), signer, verifier, error);
        byte[] signerKey = Socle.take(signer);
        byte[] verifierKey = Socle.take(verifier);
        Socle.check(status, error);
        return new KeyPair(signerKey, new String(verifierKey, StandardCharsets.UTF_8));
    }

    /** The approval by {@code professional} of {@code next} in place of {@code previous}. */
    public static String sign(Policy previous, Policy next, String professional,
                              byte[] signerKey) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_policy_approval_sign(previous.pointer(), next.pointer(),
                professional, Socle.size(Socle.utf8Length(professional)), signerKey,
                Socle.size(signerKey.length), out, error);
        byte[] note = Socle.take(out);
        Socle.check(status, error);
        return new String(note, StandardCharsets.UTF_8);
    }

    /** Records {@code verifierKey} as the approval key of {@code professional}. */
    public static long registerKey(AccessEngine engine, String professional, String verifierKey,
                                   String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_register_approval_key(engine.pointer(),
                professional, Socle.size(Socle.utf8Length(professional)), verifierKey,
                Socle.size(Socle.utf8Length(verifierKey)), recordedBy,
                Socle.size(Socle.utf8Length(recordedBy)), revision, error), error);
        return revision[0];
    }

    /** Records an approval of {@code next} on {@code engine} (the policy in force) and in
     * {@code trail}. */
    public static long record(AccessTrail trail, AccessEngine engine, Policy next,
                              String approval) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_record_policy_approval(trail.pointer(),
                engine.pointer(), next.pointer(), approval,
                Socle.size(Socle.utf8Length(approval)), revision, error), error);
        return revision[0];
    }

    /** Activates {@code next} with the approvals recorded for it; {@code engine} then refuses
     * writes: open the ledger again with {@code next}. */
    public static long activate(AccessTrail trail, AccessEngine engine, Policy next,
                                String actor) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_activate_policy(trail.pointer(),
                engine.pointer(), next.pointer(), actor, Socle.size(Socle.utf8Length(actor)),
                revision, error), error);
        return revision[0];
    }

    /** The ledger's policy in force. */
    public static InForce inForce(AccessEngine engine) {
        int[] mode = new int[1];
        long[] pending = new long[1];
        SocleLibrary.Buffer digest = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_access_engine_policy_in_force(engine.pointer(), mode,
                digest, pending, error);
        byte[] hex = Socle.take(digest);
        Socle.check(status, error);
        return new InForce(mode[0], new String(hex, StandardCharsets.US_ASCII), pending[0]);
    }
}
