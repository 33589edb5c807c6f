package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Restriction of processing (GDPR art. 18) and rectification (art. 16 and 19):
 * socle/restriction.hpp and socle/rectification.hpp as static methods over an AccessEngine. A
 * restricted file (item "") or item is stored only: decisions on it are denied
 * (SOCLE_REASON_RESTRICTED) unless the request's restriction justification
 * ({@link AccessRequest#withRestrictionJustification}) names one of art. 18(2)'s (then
 * SOCLE_REASON_ALLOWED_UNDER_RESTRICTION). Lifting needs the person told beforehand (art.
 * 18(3)). socle holds no content: a rectification gives the 32-byte SHA-256 of the version
 * replaced and of the new one, the person's statement its SHA-256 only; each queues one notice
 * per professional the item was shared with (art. 19). Writes return the new revision; bad input
 * throws a SocleException naming the parameter, never a person. Times are Unix seconds (0: now
 * by the engine's clock). Thread safety: as the engine's.
 */
public final class Restriction {
    private Restriction() {}

    /**
     * A restriction of the person's file (item "") or of one item: its ground
     * (SOCLE_RESTRICTION_GROUND_*), whether in force, when set, when the person was told of
     * the lift and when lifted (Unix seconds, 0: not recorded), the rights request it answers.
     */
    public record Info(String item, int ground, boolean inForce, long setUnixSeconds,
            long notifiedUnixSeconds, long liftedUnixSeconds, String rightsRequest) {}

    /** A rectification notice still to send to a recipient of the item. */
    public record Notice(String rectification, String item, String recipient,
            long queuedUnixSeconds) {}

    /**
     * Restricts `person`'s whole file (`item` "") or one item on `ground`
     * (SOCLE_RESTRICTION_GROUND_*). SOCLE_E_ALREADY_EXISTS when one is in force on the item.
     */
    public static long restrict(AccessEngine engine, String person, String item, int ground,
            String rightsRequest, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_restrict(engine.pointer(), person,
                len(person), item, len(item), ground, rightsRequest, len(rightsRequest),
                recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** The person was told at `notifiedUnixSeconds` (0 now) through `channel` of the lift. */
    public static long notifyLift(AccessEngine engine, String person, String item,
            long notifiedUnixSeconds, int channel, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_notify_restriction_lift(engine.pointer(),
                person, len(person), item, len(item), notifiedUnixSeconds, channel, recordedBy,
                len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** Lifts the restriction on `item` (FAILED_PRECONDITION: none, or no prior notice). */
    public static long lift(AccessEngine engine, String person, String item, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_lift_restriction(engine.pointer(), person,
                len(person), item, len(item), recordedBy, len(recordedBy), revision, error),
                error);
        return revision[0];
    }

    /**
     * The SOCLE_RESTRICTION_GROUND_* of the restriction in force covering a request on `item`
     * ("" a request naming no item), or 0 when none covers it.
     */
    public static int restricted(AccessEngine engine, String person, String item) {
        int[] restricted = new int[1];
        int[] ground = new int[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_restricted(engine.pointer(), person,
                len(person), item, len(item), restricted, ground, error), error);
        return restricted[0] == 1 ? ground[0] : 0;
    }

    /**
     * The person's restrictions in the order set: those in force, and the lifted ones too when
     * `includeLifted`.
     */
    public static List<Info> restrictions(AccessEngine engine, String person,
            boolean includeLifted) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_access_engine_restrictions(engine.pointer(), person,
                len(person), includeLifted ? 1 : 0, out, null, error);
        String text = new String(Socle.take(out), StandardCharsets.UTF_8);
        Socle.check(status, error);
        List<Info> infos = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            infos.add(new Info(f[0], Integer.parseInt(f[1]), f[2].equals("1"),
                    Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), f[6]));
        }
        return List.copyOf(infos);
    }

    /** SOCLE_RESTRICTION_JUSTIFICATION_* as its stable name ("legal_claims"…). */
    public static String justificationName(int justification) {
        return Socle.orEmpty(Socle.lib().socle_access_request_justification_name(justification));
    }

    /**
     * Records a new version of `item`: `previousSha256` (the current version) and `newSha256`;
     * `contested`: the person still contests its accuracy; `statementSha256` (null: none).
     */
    public static long recordRectification(AccessEngine engine, String person,
            String rectification, String item, String category, byte[] previousSha256,
            byte[] newSha256, boolean contested, byte[] statementSha256, String rightsRequest,
            String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_rectification(engine.pointer(), person,
                len(person), rectification, len(rectification), item, len(item), category,
                len(category), previousSha256, Socle.size(previousSha256.length), newSha256,
                Socle.size(newSha256.length), contested ? 1 : 0, statementSha256,
                Socle.size(statementSha256 == null ? 0 : statementSha256.length), rightsRequest,
                len(rightsRequest), recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** Attaches the person's statement (its SHA-256; the text stays with you) to an item. */
    public static long recordPersonStatement(AccessEngine engine, String person,
            String rectification, String item, String category, byte[] statementSha256,
            String rightsRequest, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_person_statement(engine.pointer(),
                person, len(person), rectification, len(rectification), item, len(item),
                category, len(category), statementSha256, Socle.size(statementSha256.length),
                rightsRequest, len(rightsRequest), recordedBy, len(recordedBy), revision, error),
                error);
        return revision[0];
    }

    /** `recipient` was told of `rectification` at `notifiedUnixSeconds` (0 now) via `channel`. */
    public static long recordNotified(AccessEngine engine, String person, String rectification,
            String recipient, long notifiedUnixSeconds, int channel, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_rectification_notified(
                engine.pointer(), person, len(person), rectification, len(rectification),
                recipient, len(recipient), notifiedUnixSeconds, channel, recordedBy,
                len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** The person's notices still to send, oldest first (art. 19). */
    public static List<Notice> pendingNotices(AccessEngine engine, String person) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_access_engine_pending_rectification_notices(
                engine.pointer(), person, len(person), out, null, error);
        String text = new String(Socle.take(out), StandardCharsets.UTF_8);
        Socle.check(status, error);
        List<Notice> notices = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            notices.add(new Notice(f[0], f[1], f[2], Long.parseLong(f[3])));
        }
        return List.copyOf(notices);
    }

    /** The SHA-256 of `item`'s current version, or null when it was never rectified. */
    public static byte[] currentVersion(AccessEngine engine, String person, String item) {
        byte[] out = new byte[32];
        int[] known = new int[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_current_item_version(engine.pointer(), person,
                len(person), item, len(item), out, Socle.size(32), known, error), error);
        return known[0] == 1 ? out : null;
    }

    private static SocleLibrary.SizeT len(String s) {
        return Erasure.len(s);
    }
}
