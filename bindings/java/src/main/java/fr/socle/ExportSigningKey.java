package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/** The issuer's Ed25519 key of export files. Immutable; its seed never leaves the library. */
public final class ExportSigningKey extends Handle {
    private ExportSigningKey(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_export_signing_key_free(p));
    }

    /** The tenant's key, derived from its vault: every process of the tenant signs alike. */
    public static ExportSigningKey fromVault(Vault vault) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_export_signing_key_from_vault(vault.pointer(), out, error),
                error);
        return new ExportSigningKey(out.getValue());
    }

    /** A new random key (tests, one-off files). */
    public static ExportSigningKey generate() {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_export_signing_key_generate(out, error), error);
        return new ExportSigningKey(out.getValue());
    }

    /** The 32-byte Ed25519 public key, for readers' trusted issuers. */
    public byte[] publicKey() {
        return Export.key(Socle.lib()::socle_export_signing_key_public_key, pointer());
    }
}
