package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;

/**
 * Encryption at rest with one data key per person, and crypto-shredding. Records are bound to
 * (tenant, person, record, schema version). Thread-safe.
 */
public final class Vault extends Handle {
    private Vault(PointerByReference out) {
        super(out.getValue(), p -> Socle.lib().socle_vault_free(p));
    }

    /**
     * Opens (or creates, mode 0600) the vault database at `dbPath` for `tenant`.
     * Storage.openVault opens the vault of a Storage (a directory or a PostgreSQL database).
     */
    public static Vault open(KeyProvider provider, String dbPath, String tenant) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_vault_open(provider.pointer(), dbPath, tenant,
                Socle.size(Socle.utf8Length(tenant)), null, out, error), error);
        return new Vault(out);
    }

    /** Storage.openVault. */
    static Vault openIn(KeyProvider provider, Storage storage, String tenant) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_vault_open_in(provider.pointer(), storage.pointer(),
                tenant, Socle.size(Socle.utf8Length(tenant)), null, out, error), error);
        return new Vault(out);
    }

    /** Encrypts `plaintext` for the record (SOCLE_VAULT_SEAL_OVERHEAD bytes longer). */
    public byte[] sealRecord(String personId, String recordId, byte[] plaintext,
            int schemaVersion) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_vault_seal_record(pointer(), personId,
                Socle.size(Socle.utf8Length(personId)), recordId,
                Socle.size(Socle.utf8Length(recordId)), schemaVersion, plaintext,
                Socle.size(plaintext.length), out, error), error);
        return Socle.take(out);
    }

    public byte[] sealRecord(String personId, String recordId, String plaintext) {
        return sealRecord(personId, recordId, plaintext.getBytes(StandardCharsets.UTF_8), 1);
    }

    /**
     * Decrypts what sealRecord returned for the same record. SOCLE_E_VERIFICATION_FAILED for
     * altered or misplaced bytes, SOCLE_E_NOT_FOUND once the person was shredded.
     */
    public byte[] openRecord(String personId, String recordId, byte[] sealed, int schemaVersion) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_vault_open_record(pointer(), personId,
                Socle.size(Socle.utf8Length(personId)), recordId,
                Socle.size(Socle.utf8Length(recordId)), schemaVersion, sealed,
                Socle.size(sealed.length), out, error), error);
        return Socle.take(out);
    }

    public byte[] openRecord(String personId, String recordId, byte[] sealed) {
        return openRecord(personId, recordId, sealed, 1);
    }

    /** Crypto-shredding: every record sealed for the person becomes unreadable for good. */
    public void shredPerson(String personId) {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_vault_shred_person(pointer(), personId,
                Socle.size(Socle.utf8Length(personId)), error), error);
    }
}
