package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads one .socle export file. Iterating (for-each, once) yields each record as JSON text
 * (protobuf's JSON mapping with the .proto field names, decoded with the descriptors the file
 * carries: parse it with the JSON library of your choice), each only after the frame holding it
 * was verified; the iteration ends once the trailer verified. A refused file throws
 * ExportFileException (problem, offset), at open or at the record where it was found. One thread
 * at a time.
 */
public final class ExportReader extends Handle implements Iterable<String> {
    private ExportReader(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_export_reader_free(p));
    }

    /** A signed file, any issuer. */
    public static ExportReader open(String path) {
        return open(path, null, List.of());
    }

    /**
     * `key` (may be null) opens a sealed file; `trustedIssuers` (32-byte public keys), when not
     * empty, are the only issuers accepted.
     */
    public static ExportReader open(String path, RecipientKey key, List<byte[]> trustedIssuers) {
        Pointer options = Export.readerOptions(key, trustedIssuers);
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference error = new PointerByReference();
            Export.check(Socle.lib().socle_export_reader_open(path, options, out, error), error);
            return new ExportReader(out.getValue());
        } finally {
            Socle.lib().socle_export_reader_options_free(options);
        }
    }

    /** SocleLibrary.SOCLE_EXPORT_KIND_*. */
    public int kind() {
        return Socle.lib().socle_export_reader_kind(pointer());
    }

    /** "access_request", "portability"… */
    public String kindName() {
        return Export.kindName(kind());
    }

    public boolean sealed() {
        return Socle.lib().socle_export_reader_sealed(pointer()) == 1;
    }

    /** The issuer's 32-byte Ed25519 public key. */
    public byte[] issuerPublicKey() {
        return Export.key(Socle.lib()::socle_export_reader_issuer_public_key, pointer());
    }

    /** The header without its descriptors, as JSON text. */
    public String headerJson() {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_export_reader_header_json(pointer(), out, error), error);
        return new String(Socle.take(out), StandardCharsets.UTF_8);
    }

    /** The next record as JSON text, or null at the end (the trailer verified). */
    public String nextJson() {
        byte[] record = next(true);
        return record == null ? null : new String(record, StandardCharsets.UTF_8);
    }

    /** The next record's serialized bytes (for protoc-generated classes), or null at the end. */
    public byte[] nextBytes() {
        return next(false);
    }

    public long recordsRead() {
        return Socle.lib().socle_export_reader_records_read(pointer());
    }

    @Override
    public Iterator<String> iterator() {
        return new Iterator<>() {
            private String pending;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (pending == null && !done) {
                    pending = nextJson();
                    done = pending == null;
                }
                return pending != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String record = pending;
                pending = null;
                return record;
            }
        };
    }

    private byte[] next(boolean json) {
        SocleLibrary lib = Socle.lib();
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        int[] has = new int[1];
        PointerByReference error = new PointerByReference();
        int status = json ? lib.socle_export_reader_next_json(pointer(), out, has, error)
                : lib.socle_export_reader_next(pointer(), out, has, error);
        Export.check(status, error);
        byte[] record = Socle.take(out);
        return has[0] == 1 ? record : null;
    }
}
