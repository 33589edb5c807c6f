package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes one .socle export file, signed with a signing key and sealed to its recipients (none:
 * signed only). add() records (serialized messages of the kind's record type), then finish().
 * The file appears only when finished: a writer closed before leaves none. One thread at a time.
 */
public final class ExportWriter extends Handle {
    /** A recipient: its 32-byte X25519 public key and a label shown to people. */
    public record Recipient(byte[] publicKey, String label) {
        public static Recipient of(RecipientKey key, String label) {
            return new Recipient(key.publicKey(), label);
        }
    }

    /** What finish() wrote. */
    public record Summary(long records, long bytes) {}

    private ExportWriter(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_export_writer_free(p));
    }

    /** `kind`: SocleLibrary.SOCLE_EXPORT_KIND_*; `policy` and `notice` may be null. */
    public static ExportWriter create(String path, ExportSigningKey signingKey, int kind,
            String issuer, List<Recipient> recipients, Policy policy, byte[] notice) {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_export_writer_options_new(out, error), error);
        Pointer options = out.getValue();
        try {
            Socle.check(lib.socle_export_writer_options_set_kind(options, kind, error), error);
            Socle.check(lib.socle_export_writer_options_set_issuer(options, issuer,
                    Socle.size(Socle.utf8Length(issuer)), error), error);
            if (policy != null) {
                byte[] digest = HexFormat.of().parseHex(policy.digestHex());
                Socle.check(lib.socle_export_writer_options_set_policy(options, policy.id(),
                        Socle.size(Socle.utf8Length(policy.id())), policy.revision(),
                        Socle.size(Socle.utf8Length(policy.revision())), digest,
                        Socle.size(digest.length), error), error);
            }
            if (notice != null) {
                Socle.check(lib.socle_export_writer_options_set_notice(options, notice,
                        Socle.size(notice.length), error), error);
            }
            for (Recipient r : recipients) {
                Socle.check(lib.socle_export_writer_options_add_recipient(options, r.publicKey(),
                        Socle.size(r.publicKey().length), r.label(),
                        Socle.size(Socle.utf8Length(r.label())), error), error);
            }
            Socle.check(lib.socle_export_writer_create(path, signingKey.pointer(), options, out,
                    error), error);
            return new ExportWriter(out.getValue());
        } finally {
            lib.socle_export_writer_options_free(options);
        }
    }

    public void add(byte[] record) {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_export_writer_add(pointer(), record,
                Socle.size(record.length), error), error);
    }

    /** Writes the trailer and makes the file visible. */
    public Summary finish() {
        long[] records = new long[1];
        long[] bytes = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_export_writer_finish(pointer(), records, bytes, error),
                error);
        return new Summary(records[0], bytes[0]);
    }
}
