package fr.socle;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tamper-evident, append-only ledger (a Merkle tree with signed checkpoints) in its own SQLite
 * file or PostgreSQL schema, its keys in a Vault, which the ledger keeps alive. Thread-safe;
 * close it when done. docs/ledger.md.
 */
public final class Ledger extends Handle {
    private static final int HASH = SocleLibrary.SOCLE_LEDGER_HASH_BYTES;
    private static final int MAX_PROOF_HASHES = 64;

    /** A signed checkpoint: the ledger had `size` entries and this `root`. */
    public record Checkpoint(long size, byte[] root, String note) {}

    /** An RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries. */
    public record Proof(long index, long treeSize, byte[] leafHash, List<byte[]> hashes) {}

    /** What verify() found; `firstBadIndex` and `problem` say where and what when not ok. */
    public record Verification(boolean ok, long entries, long firstBadIndex, String problem) {}

    private Ledger(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_ledger_free(p));
    }

    /**
     * Opens the ledger `name` ("access_trail", "state") in `dbPath` (created, mode 0600, if
     * missing). `durability`: SOCLE_DURABILITY_*. Storage.openLedger opens a ledger of a
     * Storage (a directory or a PostgreSQL database).
     */
    public static Ledger open(Vault vault, String dbPath, String name, int durability) {
        return withOptions(durability, (options, out, error) -> Socle.lib().socle_ledger_open(
                vault.pointer(), dbPath, name, Socle.size(Socle.utf8Length(name)), options, out,
                error));
    }

    /** Storage.openLedger. */
    static Ledger openIn(Vault vault, Storage storage, String name, int durability) {
        return withOptions(durability, (options, out, error) -> Socle.lib().socle_ledger_open_in(
                vault.pointer(), storage.pointer(), name, Socle.size(Socle.utf8Length(name)),
                options, out, error));
    }

    private interface Opener {
        int open(Pointer options, PointerByReference out, PointerByReference error);
    }

    private static Ledger withOptions(int durability, Opener opener) {
        SocleLibrary lib = Socle.lib();
        PointerByReference options = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_ledger_options_new(options, error), error);
        try {
            PointerByReference setError = new PointerByReference();
            Socle.check(lib.socle_ledger_options_set_durability(options.getValue(), durability,
                    setError), setError);
            PointerByReference out = new PointerByReference();
            PointerByReference openError = new PointerByReference();
            Socle.check(opener.open(options.getValue(), out, openError), openError);
            return new Ledger(out.getValue());
        } finally {
            lib.socle_ledger_options_free(options.getValue());
        }
    }

    public static Ledger open(Vault vault, String dbPath, String name) {
        return open(vault, dbPath, name, SocleLibrary.SOCLE_DURABILITY_GROUP);
    }

    /** The checkpoints' origin line ("socle/<tenant>/<name>"). */
    public String origin() {
        return Socle.orEmpty(Socle.lib().socle_ledger_origin(pointer()));
    }

    /** The C2SP note verifier key of the checkpoints, for third parties. */
    public String verifierKey() {
        return Socle.orEmpty(Socle.lib().socle_ledger_verifier_key(pointer()));
    }

    /** Appends one entry (SOCLE_LEDGER_ENTRY_*), sealed for `person` if not empty; a ticket. */
    public long append(int type, byte[] payload, String person) {
        long[] ticket = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_append(pointer(), type, person,
                Socle.size(Socle.utf8Length(person)), payload, Socle.size(payload.length),
                ticket, error), error);
        return ticket[0];
    }

    /** Waits until the entries of `ticket` are durable; returns the index of the first. */
    public long waitDurable(long ticket) {
        long[] index = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_wait_durable(pointer(), ticket, index, error), error);
        return index[0];
    }

    public void flush() {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_flush(pointer(), error), error);
    }

    /** The number of entries in the database. */
    public long size() {
        long[] out = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_size(pointer(), out, error), error);
        return out[0];
    }

    /** Signs a checkpoint of the current tree (or returns the latest if it covers it). */
    public Checkpoint checkpoint() {
        SocleLibrary.Buffer note = new SocleLibrary.Buffer();
        long[] size = new long[1];
        byte[] root = new byte[HASH];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_checkpoint(pointer(), note, size, root,
                Socle.size(HASH), error), error);
        return new Checkpoint(size[0], root,
                new String(Socle.take(note), StandardCharsets.UTF_8));
    }

    /** The inclusion proof of entry `index` in the tree of `treeSize` entries (0: latest). */
    public Proof proveInclusion(long index, long treeSize) {
        long[] size = new long[1];
        byte[] leaf = new byte[HASH];
        byte[] hashes = new byte[MAX_PROOF_HASHES * HASH];
        Memory count = new Memory(Native.SIZE_T_SIZE);
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_prove_inclusion(pointer(), index, treeSize, size,
                leaf, Socle.size(HASH), hashes, Socle.size(hashes.length), count, error), error);
        return new Proof(index, size[0], leaf, split(hashes, Socle.readSize(count)));
    }

    static List<byte[]> split(byte[] hashes, long count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Arrays.copyOfRange(hashes, i * HASH, (i + 1) * HASH));
        }
        return List.copyOf(out);
    }

    /** Recomputes every hash, row MAC and checkpoint. */
    public Verification verify() {
        int[] ok = new int[1];
        long[] entries = new long[1];
        long[] bad = new long[1];
        SocleLibrary.Buffer problem = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_verify(pointer(), ok, entries, bad, problem, error),
                error);
        return new Verification(ok[0] == 1, entries[0], bad[0],
                new String(Socle.take(problem), StandardCharsets.UTF_8));
    }

    /** Always throws SOCLE_E_LOG_TAMPER_ATTEMPT, after recording a tamper alert. */
    public void updateEntry(long index, String actor) {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_update_entry(pointer(), index, actor,
                Socle.size(Socle.utf8Length(actor)), error), error);
    }

    /** Always throws SOCLE_E_LOG_TAMPER_ATTEMPT, after recording a tamper alert. */
    public void deleteEntry(long index, String actor) {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_ledger_delete_entry(pointer(), index, actor,
                Socle.size(Socle.utf8Length(actor)), error), error);
    }
}
