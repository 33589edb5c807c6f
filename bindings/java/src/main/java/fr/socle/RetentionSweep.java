package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * The retention sweep (socle/retention_sweep.hpp; REQ-36; docs/retention-and-rights.md): at the
 * end of retention, the purge of what is due, the crypto-shredding of persons whose whole file is
 * due, the vendor's to-do list, signed deletion certificates, and the archives service's
 * elimination visas (Code du patrimoine R212-14). socle's report is freed before a method
 * returns. Bad input throws a SocleException naming the parameter. A sweep writes through the
 * engine (serialised by it); run one sweep at a time per tenant.
 */
public final class RetentionSweep {
    private RetentionSweep() {}

    /**
     * One row of the vendor's to-do list: the rows of `category` of `person` to delete,
     * anonymise or transfer (`action`: SOCLE_RETENTION_END_ACTION_*); `visa` "" when none.
     */
    public record ToDo(String person, String category, int action, String rule, String visa) {}

    /**
     * A certificate of one (category, rule, end action): `certificate` the bytes of a
     * socle.v1.DeletionCertificate (no person, no content), `signature` its 64-byte Ed25519
     * signature ({@link #verifyCertificate}).
     */
    public record Certificate(String category, long count, int endAction, String visa,
            byte[] certificate, byte[] signature) {}

    /** What a sweep did, or would do ({@link #plan}: no certificate). */
    public record Report(String day, boolean resumed, long purged, long shredded,
            long awaitingVisa, long changes, List<ToDo> todo, List<Certificate> certificates) {}

    /**
     * Runs the sweep on `day` ("YYYY-MM-DD", no later than today) through `trail` (the trail of
     * `engine`), in batches of `batchSize` persons (1 to 10000), certificates signed with `key`.
     * A sweep that failed halfway is finished by the next call.
     */
    public static Report sweep(AccessTrail trail, AccessEngine engine, ExportSigningKey key,
            String day, long batchSize, String recordedBy) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_retention_sweep(trail.pointer(),
                engine.pointer(), key.pointer(), day, Erasure.len(day), Socle.size(batchSize),
                recordedBy, Erasure.len(recordedBy), out, error), error);
        return report(out.getValue());
    }

    /** The plan of a sweep on `day` ("" today), a dry run: nothing recorded, no certificate. */
    public static Report plan(AccessEngine engine, String day) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_plan_retention_sweep(engine.pointer(), day,
                Erasure.len(day), out, error), error);
        return report(out.getValue());
    }

    /**
     * Records the archives service's elimination visa `reference` (unique) for `category`: items
     * awaiting a visa since `through` ("YYYY-MM-DD") or before are purged at the next sweep.
     */
    public static long recordEliminationVisa(AccessEngine engine, String reference,
            String category, String through, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_elimination_visa(engine.pointer(),
                reference, Erasure.len(reference), category, Erasure.len(category), through,
                Erasure.len(through), recordedBy, Erasure.len(recordedBy), revision, error),
                error);
        return revision[0];
    }

    /**
     * Checks that `signature` is the signature of `certificate` by the signer key it names;
     * throws a SocleException (SOCLE_E_VERIFICATION_FAILED) otherwise. Compare that key with the
     * tenant's export key too.
     */
    public static void verifyCertificate(byte[] certificate, byte[] signature) {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_deletion_certificate_verify(certificate,
                Socle.size(certificate.length), signature, Socle.size(signature.length), error),
                error);
    }

    private static Report report(Pointer r) {
        SocleLibrary lib = Socle.lib();
        try {
            List<ToDo> todo = new ArrayList<>();
            for (long i = 0, n = lib.socle_sweep_report_todo_count(r).longValue(); i < n; i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                todo.add(new ToDo(Socle.orEmpty(lib.socle_sweep_report_todo_person(r, k)),
                        Socle.orEmpty(lib.socle_sweep_report_todo_category(r, k)),
                        lib.socle_sweep_report_todo_action(r, k),
                        Socle.orEmpty(lib.socle_sweep_report_todo_rule(r, k)),
                        Socle.orEmpty(lib.socle_sweep_report_todo_visa(r, k))));
            }
            List<Certificate> certificates = new ArrayList<>();
            for (long i = 0, n = lib.socle_sweep_report_certificate_count(r).longValue(); i < n;
                    i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                SocleLibrary.Buffer bytes = new SocleLibrary.Buffer();
                SocleLibrary.Buffer signature = new SocleLibrary.Buffer();
                PointerByReference error = new PointerByReference();
                int status = lib.socle_sweep_report_certificate_bytes(r, k, bytes, signature,
                        error);
                byte[] certificate = Socle.take(bytes);
                byte[] signed = Socle.take(signature);
                Socle.check(status, error);
                certificates.add(new Certificate(
                        Socle.orEmpty(lib.socle_sweep_report_certificate_category(r, k)),
                        lib.socle_sweep_report_certificate_count_of(r, k),
                        lib.socle_sweep_report_certificate_end_action(r, k),
                        Socle.orEmpty(lib.socle_sweep_report_certificate_visa(r, k)),
                        certificate, signed));
            }
            return new Report(Socle.orEmpty(lib.socle_sweep_report_day(r)),
                    lib.socle_sweep_report_resumed(r) == 1, lib.socle_sweep_report_purged(r),
                    lib.socle_sweep_report_shredded(r), lib.socle_sweep_report_awaiting_visa(r),
                    lib.socle_sweep_report_change_count(r).longValue(), List.copyOf(todo),
                    List.copyOf(certificates));
        } finally {
            lib.socle_sweep_report_free(r);
        }
    }
}
