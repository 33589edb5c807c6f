package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The right to erasure (GDPR art. 17; socle/erasure.hpp; docs/retention-and-rights.md), as static
 * methods over an AccessEngine (its AccessTrail shreds; a Vault restored from a backup has its
 * tombstones reapplied): a decision per data category (erase, or refuse with the art. 17(3)
 * exception and the policy element it rests on), the erasure itself (the tombstone recorded
 * first, then the person's vault key crypto-shredded), the tombstones, and legal holds. socle
 * holds no case data: the vendor deletes its rows of the categories {@link Result#vendorDelete}
 * lists. socle's objects are freed before a method returns. Writes return the new revision; bad
 * input throws a SocleException with the C error's code and a message naming the parameter,
 * never a person. Days are "YYYY-MM-DD" ("" today by the engine's clock, Europe/Paris). Thread
 * safety: as the engine's (writes serialised, queries on immutable snapshots).
 */
public final class Erasure {
    private Erasure() {}

    /**
     * The answer for one data category: erased (or to erase), or its exception
     * (SOCLE_ERASURE_EXCEPTION_*) and the policy element it rests on.
     */
    public record Category(String category, boolean erase, int exception, String rule,
            String detail) {}

    /**
     * A decision on an erasure and, from {@link #erase}, what was done: `recorded` (a tombstone
     * now, at `revision`), `keyShredded` (this call destroyed the person's key), `vendorDelete`
     * (the categories whose rows the vendor deletes now).
     */
    public record Result(boolean whole, boolean allErased, List<Category> categories, String text,
            boolean recorded, long revision, boolean wholeErased, boolean keyShredded,
            List<String> vendorDelete) {}

    /** One erasure recorded: what a restore from backup skips (`categories` empty: the file). */
    public record Tombstone(String person, String day, List<String> categories,
            String rightsRequest, String recordedBy, long revision) {}

    /**
     * Decides the erasure of `person`'s `categories` (DataCategory ids; empty: the whole file) on
     * `day`, with the exceptions `asserted` (SOCLE_ERASURE_ASSERT_* flags). Nothing is recorded.
     */
    public static Result decide(AccessEngine engine, String person, List<String> categories,
            int asserted, String day) {
        Socle.Strings c = Socle.Strings.of(categories);
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_decide_erasure(engine.pointer(), person,
                len(person), categories.isEmpty() ? null : c.pointers,
                categories.isEmpty() ? null : c.lengths, Socle.size(categories.size()), asserted,
                day, len(day), out, error), error);
        return result(out.getValue());
    }

    /**
     * Decides as {@link #decide} (today) and erases what may be: the tombstone first
     * (`rightsRequest`: the erasure request it answers, or ""), then, for a whole file, the
     * person's key shredded through `trail` (the trail of `engine`).
     */
    public static Result erase(AccessTrail trail, AccessEngine engine, String person,
            List<String> categories, int asserted, String rightsRequest, String recordedBy) {
        Socle.Strings c = Socle.Strings.of(categories);
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_erase(trail.pointer(), engine.pointer(),
                person, len(person), categories.isEmpty() ? null : c.pointers,
                categories.isEmpty() ? null : c.lengths, Socle.size(categories.size()), asserted,
                rightsRequest, len(rightsRequest), recordedBy, len(recordedBy), out, error),
                error);
        return result(out.getValue());
    }

    /** SOCLE_ERASURE_EXCEPTION_* as its stable name ("legal_claims"…). */
    public static String exceptionName(int exception) {
        return Socle.orEmpty(Socle.lib().socle_erasure_exception_name(exception));
    }

    /** The tombstones recorded after `sinceRevision` (0: all), in order. */
    public static List<Tombstone> tombstones(AccessEngine engine, long sinceRevision) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_access_engine_tombstones(engine.pointer(), sinceRevision,
                out, error);
        String text = new String(Socle.take(out), StandardCharsets.UTF_8);
        Socle.check(status, error);
        List<Tombstone> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            lines.add(new Tombstone(f[0], f[1],
                    f[2].isEmpty() ? List.of() : List.of(f[2].split(",")), f[3], f[4],
                    Long.parseLong(f[5])));
        }
        return List.copyOf(lines);
    }

    /** Whether a restore must skip the vendor's row of `person` in `category` ("": the person). */
    public static boolean erasedRow(AccessEngine engine, String person, String category) {
        int[] erased = new int[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_erased_row(engine.pointer(), person,
                len(person), category, len(category), erased, error), error);
        return erased[0] == 1;
    }

    /**
     * After restoring `vault`'s database from a backup: shreds again the key of every person
     * whose whole file `engine` has a tombstone for. Returns the number of keys shredded.
     */
    public static long reapplyTombstones(Vault vault, AccessEngine engine) {
        long[] shredded = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_vault_reapply_tombstones(vault.pointer(), engine.pointer(),
                shredded, error), error);
        return shredded[0];
    }

    /** Holds `person`'s file for legal claims (art. 17(3)(e)); `reason` required. */
    public static long setLegalHold(AccessEngine engine, String person, String reason,
            String reference, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_set_legal_hold(engine.pointer(), person,
                len(person), reason, len(reason), reference, len(reference), recordedBy,
                len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** Lifts the hold (SOCLE_E_FAILED_PRECONDITION when none stands). */
    public static long liftLegalHold(AccessEngine engine, String person, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_lift_legal_hold(engine.pointer(), person,
                len(person), recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    static SocleLibrary.SizeT len(String s) {
        return Socle.size(Socle.utf8Length(s));
    }

    private static Result result(Pointer e) {
        SocleLibrary lib = Socle.lib();
        try {
            SocleLibrary.Buffer text = new SocleLibrary.Buffer();
            PointerByReference error = new PointerByReference();
            int status = lib.socle_erasure_text(e, text, error);
            String sentence = new String(Socle.take(text), StandardCharsets.UTF_8);
            Socle.check(status, error);
            List<Category> categories = new ArrayList<>();
            for (long i = 0, n = lib.socle_erasure_category_count(e).longValue(); i < n; i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                categories.add(new Category(Socle.orEmpty(lib.socle_erasure_category(e, k)),
                        lib.socle_erasure_category_erase(e, k) == 1,
                        lib.socle_erasure_category_exception(e, k),
                        Socle.orEmpty(lib.socle_erasure_category_rule(e, k)),
                        Socle.orEmpty(lib.socle_erasure_category_detail(e, k))));
            }
            List<String> delete = new ArrayList<>();
            for (long i = 0, n = lib.socle_erasure_vendor_delete_count(e).longValue(); i < n;
                    i++) {
                delete.add(Socle.orEmpty(lib.socle_erasure_vendor_delete(e, Socle.size(i))));
            }
            return new Result(lib.socle_erasure_whole(e) == 1,
                    lib.socle_erasure_all_erased(e) == 1, List.copyOf(categories), sentence,
                    lib.socle_erasure_recorded(e) == 1, lib.socle_erasure_revision(e),
                    lib.socle_erasure_whole_erased(e) == 1,
                    lib.socle_erasure_key_shredded(e) == 1, List.copyOf(delete));
        } finally {
            lib.socle_erasure_free(e);
        }
    }
}
