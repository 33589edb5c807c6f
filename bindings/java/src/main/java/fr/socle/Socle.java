package fr.socle;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Entry point: the loaded library and the conversions every class shares.
 *
 * <p>The library is the file named by the system property {@code socle.library} or the
 * environment variable {@code SOCLE_LIBRARY} when set (and only that one), else {@code socle},
 * found by JNA on {@code jna.library.path} and then the system's library path.
 */
public final class Socle {
    private static final class Holder {
        static final SocleLibrary LIB = load();
    }

    static final Cleaner CLEANER = Cleaner.create();

    private Socle() {}

    static SocleLibrary lib() {
        return Holder.LIB;
    }

    private static SocleLibrary load() {
        String explicit = System.getProperty("socle.library");
        if (explicit == null || explicit.isEmpty()) {
            explicit = System.getenv("SOCLE_LIBRARY");
        }
        String name = explicit != null && !explicit.isEmpty() ? explicit : "socle";
        SocleLibrary lib;
        try {
            lib = Native.load(name, SocleLibrary.class,
                    Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("cannot load libsocle (" + name + "): " + e.getMessage()
                    + "; set -Djna.library.path to its directory or SOCLE_LIBRARY to its path");
        }
        // The interface must match the loaded library: the same major version, and until 1.0
        // (when the ABI may still change on purpose) the same minor version too.
        int number = lib.socle_version_number();
        int major = number / 10000;
        int minor = number / 100 % 100;
        if (major != SocleLibrary.SOCLE_VERSION_MAJOR || minor < SocleLibrary.SOCLE_VERSION_MINOR
                || (major == 0 && minor != SocleLibrary.SOCLE_VERSION_MINOR)) {
            throw new UnsatisfiedLinkError(name + " is socle " + lib.socle_version_string()
                    + ", but these bindings were generated for " + SocleLibrary.SOCLE_VERSION_MAJOR
                    + "." + SocleLibrary.SOCLE_VERSION_MINOR);
        }
        return lib;
    }

    /** The version of the loaded library, "MAJOR.MINOR.PATCH". */
    public static String version() {
        return lib().socle_version_string();
    }

    /** Throws the SocleException of a failed call; releases the socle_error. */
    static void check(int status, PointerByReference error) {
        if (status == SocleLibrary.SOCLE_OK) {
            return;
        }
        SocleLibrary lib = lib();
        Pointer e = error.getValue();
        String message;
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (e != null) {
            message = lib.socle_error_message(e);
            long count = lib.socle_error_diagnostic_count(e).longValue();
            for (long i = 0; i < count; i++) {
                SocleLibrary.SizeT index = new SocleLibrary.SizeT(i);
                diagnostics.add(new Diagnostic(
                        lib.socle_error_diagnostic_severity(e, index),
                        orEmpty(lib.socle_error_diagnostic_code(e, index)),
                        orEmpty(lib.socle_error_diagnostic_path(e, index)),
                        lib.socle_error_diagnostic_line(e, index),
                        lib.socle_error_diagnostic_column(e, index),
                        orEmpty(lib.socle_error_diagnostic_message(e, index))));
            }
            lib.socle_error_free(e);
        } else {
            message = lib.socle_last_error_message();
        }
        throw new SocleException(status, lib.socle_status_name(status), message, diagnostics);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static int utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    static SocleLibrary.SizeT size(long n) {
        return new SocleLibrary.SizeT(n);
    }

    /** The bytes of a socle_buffer, which is then wiped and released. */
    static byte[] take(SocleLibrary.Buffer buffer) {
        try {
            buffer.read();
            long n = buffer.size.longValue();
            return n == 0 ? new byte[0] : buffer.data.getByteArray(0, (int) n);
        } finally {
            lib().socle_buffer_free(buffer);
        }
    }

    /** Native memory holding `values` as size_t, as wide as the platform's. */
    static Memory sizes(long[] values) {
        Memory m = new Memory(Math.max(1, values.length) * (long) Native.SIZE_T_SIZE);
        for (int i = 0; i < values.length; i++) {
            if (Native.SIZE_T_SIZE == 8) {
                m.setLong(i * 8L, values[i]);
            } else {
                m.setInt(i * 4L, (int) values[i]);
            }
        }
        return m;
    }

    static long readSize(Memory m) {
        return Native.SIZE_T_SIZE == 8 ? m.getLong(0) : m.getInt(0) & 0xFFFFFFFFL;
    }

    /** Strings packed for C: one block of UTF-8 bytes, their pointers and their lengths. */
    static final class Strings {
        final Memory block;
        final Memory pointers;
        final Memory lengths;
        final long[] offsets;
        final long[] lens;

        Strings(List<byte[]> values) {
            long total = 0;
            for (byte[] v : values) {
                total += v.length;
            }
            block = new Memory(Math.max(1, total));
            pointers = new Memory(Math.max(1, values.size()) * (long) Native.POINTER_SIZE);
            offsets = new long[values.size()];
            lens = new long[values.size()];
            long offset = 0;
            for (int i = 0; i < values.size(); i++) {
                byte[] v = values.get(i);
                block.write(offset, v, 0, v.length);
                pointers.setPointer((long) i * Native.POINTER_SIZE, block.share(offset));
                offsets[i] = offset;
                lens[i] = v.length;
                offset += v.length;
            }
            lengths = sizes(lens);
        }

        static Strings of(List<String> values) {
            List<byte[]> bytes = new ArrayList<>(values.size());
            for (String v : values) {
                bytes.add(v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8));
            }
            return new Strings(bytes);
        }

        Pointer at(int i) {
            return block.share(offsets[i]);
        }
    }

    /**
     * What a handle class releases: the native pointer and the function that frees it. Registered
     * with the Cleaner as a safety net; close() runs it at once.
     */
    static final class Release implements Runnable {
        private Pointer pointer;
        private final java.util.function.Consumer<Pointer> free;

        Release(Pointer pointer, java.util.function.Consumer<Pointer> free) {
            this.pointer = pointer;
            this.free = free;
        }

        @Override
        public synchronized void run() {
            if (pointer != null) {
                free.accept(pointer);
                pointer = null;
            }
        }
    }
}
