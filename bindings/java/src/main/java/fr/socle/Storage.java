package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;

/**
 * Where the vault and the ledgers live (socle_storage; docs/postgresql.md). One location chooses
 * the backend of the vault, the access trail and the state ledger at once: a directory (SQLite
 * files vault.db and {@code <ledger name>.db}, created with mode 0700 if absent) or a PostgreSQL
 * database named by a libpq URI ("postgresql://…" or "postgres://…"), shared by every
 * application server, which then needs `witnessDir`, a local directory of this server for the
 * ledgers' witness files.
 *
 * <pre>{@code
 * try (Storage storage = Storage.open("/var/lib/ccas");
 *      Vault vault = storage.openVault(provider, "ccas-1");
 *      Ledger trail = storage.openLedger(vault, "access_trail")) { ... }
 * }</pre>
 *
 * Messages name a URI without its password or query. Immutable and thread-safe; the vaults and
 * ledgers it opened stay open when it is closed.
 */
public final class Storage extends Handle {
    private Storage(PointerByReference out) {
        super(out.getValue(), p -> Socle.lib().socle_storage_free(p));
    }

    /**
     * Opens `location`, a directory or a PostgreSQL URI; `witnessDir` may be null for a
     * directory (each witness beside its file). Connects to nothing yet: openVault and
     * openLedger connect. A file where the directory should be, a malformed URI (never quoted:
     * it may hold a password) or a URI without `witnessDir` is SOCLE_E_INVALID_ARGUMENT.
     */
    public static Storage open(String location, String witnessDir) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_storage_open(location, witnessDir, out, error), error);
        return new Storage(out);
    }

    /** A directory: each ledger's witness beside its file. */
    public static Storage open(String location) {
        return open(location, null);
    }

    /** Whether the location is a PostgreSQL database (false: a directory). */
    public boolean isPostgresql() {
        return Socle.lib().socle_storage_is_postgresql(pointer()) == 1;
    }

    /** The location as shown in messages (a URI without its password or query). */
    public String location() {
        return Socle.orEmpty(Socle.lib().socle_storage_location(pointer()));
    }

    /** Vault.open on this storage: the directory's vault.db, or the database's schema. */
    public Vault openVault(KeyProvider provider, String tenant) {
        return Vault.openIn(provider, this, tenant);
    }

    /**
     * Ledger.open on this storage: the directory's {@code <name>.db}, or the database's schema
     * {@code socle_<name>} (name at most 57 bytes). The witness is beside the file, or
     * {@code <witnessDir>/<name>.checkpoint}. `durability`: SOCLE_DURABILITY_*.
     */
    public Ledger openLedger(Vault vault, String name, int durability) {
        return Ledger.openIn(vault, this, name, durability);
    }

    public Ledger openLedger(Vault vault, String name) {
        return openLedger(vault, name, SocleLibrary.SOCLE_DURABILITY_GROUP);
    }
}
