package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A recipient's X25519 key pair for sealed export files. Immutable, thread-safe. Keep
 * secretKey(); give publicKey() (or publicKeyHex()) to the issuer.
 */
public final class RecipientKey extends Handle {
    private RecipientKey(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_export_recipient_key_free(p));
    }

    public static RecipientKey generate() {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_export_recipient_key_generate(out, error), error);
        return new RecipientKey(out.getValue());
    }

    /** The key pair of a stored 32-byte secret key (SOCLE_E_INVALID_ARGUMENT otherwise). */
    public static RecipientKey fromSecret(byte[] secret) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_export_recipient_key_from_secret(secret,
                Socle.size(secret.length), out, error), error);
        return new RecipientKey(out.getValue());
    }

    /** The 32-byte public key. */
    public byte[] publicKey() {
        return Export.key(Socle.lib()::socle_export_recipient_key_public_key, pointer());
    }

    public String publicKeyHex() {
        return HexFormat.of().formatHex(publicKey());
    }

    /** The 32-byte secret key, to store it (wipe the copy with Arrays.fill after use). */
    public byte[] secretKey() {
        return Export.key(Socle.lib()::socle_export_recipient_key_secret_key, pointer());
    }

    @Override
    public String toString() {
        byte[] key = publicKey();
        String hex = HexFormat.of().formatHex(Arrays.copyOf(key, 8));
        return "RecipientKey[public=" + hex + "…]";
    }
}
