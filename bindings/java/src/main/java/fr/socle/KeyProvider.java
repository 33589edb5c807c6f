package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import java.util.Arrays;

/** Holds the master key that wraps the vault's data keys: a passphrase-protected key file. */
public final class KeyProvider extends Handle {
    private KeyProvider(PointerByReference out) {
        super(out.getValue(), p -> Socle.lib().socle_key_provider_free(p));
    }

    /**
     * Creates a new key file (mode 0600) protected by `passphrase` (8 bytes or more; the array is
     * not kept). Argon2id cost: 0 and 0 for the default; below 2 and 64 MiB is refused.
     */
    public static KeyProvider createKeyFile(String path, byte[] passphrase, long opslimit,
            long memlimitBytes) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        byte[] copy = passphrase.clone();
        try {
            Socle.check(Socle.lib().socle_key_provider_create_key_file(path, copy,
                    Socle.size(copy.length), opslimit, memlimitBytes, out, error), error);
        } finally {
            Arrays.fill(copy, (byte) 0);
        }
        return new KeyProvider(out);
    }

    /** Opens and unlocks a key file (SOCLE_E_VERIFICATION_FAILED: wrong passphrase). */
    public static KeyProvider openKeyFile(String path, byte[] passphrase) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        byte[] copy = passphrase.clone();
        try {
            Socle.check(Socle.lib().socle_key_provider_open_key_file(path, copy,
                    Socle.size(copy.length), out, error), error);
        } finally {
            Arrays.fill(copy, (byte) 0);
        }
        return new KeyProvider(out);
    }

    public String keyId() {
        return Socle.lib().socle_key_provider_key_id(pointer());
    }
}
