package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Map;

/** The policy's pseudonym domains with keys derived from master secrets. Thread-safe. */
public final class Pseudonymizer extends Handle {
    private Pseudonymizer(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_pseudonymizer_free(p));
    }

    /**
     * From master secrets held in memory: version to secret bytes (16 to 64), the highest version
     * being the current one.
     */
    public static Pseudonymizer fromSecrets(Policy policy, Map<Integer, byte[]> secrets) {
        PointerByReference held = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_pseudonym_secrets_new(held, error), error);
        try {
            for (Map.Entry<Integer, byte[]> e : secrets.entrySet()) {
                PointerByReference addError = new PointerByReference();
                Socle.check(Socle.lib().socle_pseudonym_secrets_add(held.getValue(), e.getKey(),
                        e.getValue(), Socle.size(e.getValue().length), addError), addError);
            }
            PointerByReference out = new PointerByReference();
            PointerByReference createError = new PointerByReference();
            Socle.check(Socle.lib().socle_pseudonymizer_create(policy.pointer(), held.getValue(),
                    null, out, createError), createError);
            return new Pseudonymizer(out.getValue());
        } finally {
            Socle.lib().socle_pseudonym_secrets_free(held.getValue());
        }
    }

    /** From the pseudonymisation secrets held in a vault (they never leave socle). */
    public static Pseudonymizer fromVault(Policy policy, Vault vault) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_pseudonymizer_create_from_vault(policy.pointer(),
                vault.pointer(), null, out, error), error);
        return new Pseudonymizer(out.getValue());
    }

    public int currentVersion() {
        return Socle.lib().socle_pseudonymizer_current_version(pointer());
    }

    /**
     * The pseudonyms of one export to `domain`. `relationship` names the relationship of a
     * RELATIONSHIP domain (null otherwise); `version` 0 is the current one.
     */
    public PseudonymContext context(String domain, String relationship, int version) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_pseudonymizer_new_context(pointer(), domain,
                Socle.size(Socle.utf8Length(domain)), relationship,
                Socle.size(Socle.utf8Length(relationship)), version, out, error), error);
        return new PseudonymContext(out.getValue());
    }

    public PseudonymContext context(String domain) {
        return context(domain, null, 0);
    }
}
