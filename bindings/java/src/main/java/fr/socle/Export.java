package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.HexFormat;
import java.util.List;

/**
 * Export files (docs/exports.md): verify a file, the portability JSON Schema, and what the export
 * classes share (keys as bytes, the checks of a refused file, reader options).
 */
public final class Export {
    /** What verify() found: the kind (SOCLE_EXPORT_KIND_*), sealed or not, records, size. */
    public record Verification(int kind, boolean sealed, long records, long bytes) {}

    private Export() {}

    /**
     * Reads the file through and checks every frame and the trailer (without `key`, a sealed file
     * is checked without being decrypted). `key` may be null, `trustedIssuers` empty (any
     * issuer). Throws ExportFileException for a refused file.
     */
    public static Verification verify(String path, RecipientKey key,
            List<byte[]> trustedIssuers) {
        Pointer options = readerOptions(key, trustedIssuers);
        try {
            int[] kind = new int[1];
            int[] sealed = new int[1];
            long[] records = new long[1];
            long[] bytes = new long[1];
            PointerByReference error = new PointerByReference();
            check(Socle.lib().socle_export_verify_file(path, options, kind, sealed, records, bytes,
                    error), error);
            return new Verification(kind[0], sealed[0] == 1, records[0], bytes[0]);
        } finally {
            Socle.lib().socle_export_reader_options_free(options);
        }
    }

    /** The JSON Schema (draft 2020-12) of a portability record's JSON form. */
    public static String portabilityJsonSchema() {
        return Socle.lib().socle_export_portability_json_schema();
    }

    /** The name of a kind ("access_request"…). */
    public static String kindName(int kind) {
        return Socle.orEmpty(Socle.lib().socle_export_kind_name(kind));
    }

    /** A public key from 64 hex digits. */
    public static byte[] keyFromHex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** As Socle.check(), throwing ExportFileException when the error names a problem of the file. */
    static void check(int status, PointerByReference error) {
        if (status == SocleLibrary.SOCLE_OK) {
            return;
        }
        SocleLibrary lib = Socle.lib();
        Pointer e = error.getValue();
        int problem = e == null ? 0 : lib.socle_error_export_problem(e);
        if (problem == SocleLibrary.SOCLE_EXPORT_PROBLEM_NONE) {
            Socle.check(status, error);
        }
        String message = lib.socle_error_message(e);
        long offset = lib.socle_error_export_offset(e);
        lib.socle_error_free(e);
        throw new ExportFileException(status, lib.socle_status_name(status), message, problem,
                offset);
    }

    /** A 32-byte key copied out of a handle. */
    interface KeyCopy {
        int copy(Pointer handle, byte[] out, SocleLibrary.SizeT capacity,
                PointerByReference error);
    }

    static byte[] key(KeyCopy function, Pointer handle) {
        byte[] out = new byte[SocleLibrary.SOCLE_EXPORT_KEY_BYTES];
        PointerByReference error = new PointerByReference();
        Socle.check(function.copy(handle, out, Socle.size(out.length), error), error);
        return out;
    }

    /** Reader options, freed by the caller with socle_export_reader_options_free. */
    static Pointer readerOptions(RecipientKey key, List<byte[]> trustedIssuers) {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_export_reader_options_new(out, error), error);
        Pointer options = out.getValue();
        try {
            for (byte[] issuer : trustedIssuers) {
                Socle.check(lib.socle_export_reader_options_add_trusted_issuer(options, issuer,
                        Socle.size(issuer.length), error), error);
            }
            if (key != null) {
                Socle.check(lib.socle_export_reader_options_set_key(options, key.pointer(),
                        error), error);
            }
            return options;
        } catch (RuntimeException e) {
            lib.socle_export_reader_options_free(options);
            throw e;
        }
    }
}
