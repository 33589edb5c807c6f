package fr.socle;

import fr.socle.jna.SocleLibrary;

/**
 * One access question in dense ids (AccessEngine.find*). {@link #of} gives the defaults of
 * socle_access_request_init(): read, a fact, no author, not masked, no item, now, no restriction
 * justification; the with* methods return modified copies. `restrictionJustification` is a
 * SOCLE_RESTRICTION_JUSTIFICATION_*: the ground of GDPR art. 18(2) for reading an item whose
 * processing is restricted (see {@link Restriction}).
 */
public record AccessRequest(int actor, int person, int category, int purpose, int action,
        int entryKind, int author, boolean masked, String item, long timeUnixSeconds,
        int restrictionJustification) {

    /** The request without a restriction justification (the record's first ten components). */
    public AccessRequest(int actor, int person, int category, int purpose, int action,
            int entryKind, int author, boolean masked, String item, long timeUnixSeconds) {
        this(actor, person, category, purpose, action, entryKind, author, masked, item,
                timeUnixSeconds, SocleLibrary.SOCLE_RESTRICTION_JUSTIFICATION_NONE);
    }

    public static AccessRequest of(int actor, int person, int category, int purpose) {
        return new AccessRequest(actor, person, category, purpose, SocleLibrary.SOCLE_ACTION_READ,
                SocleLibrary.SOCLE_ENTRY_FACT, SocleLibrary.SOCLE_NO_ID, false, null, 0);
    }

    public AccessRequest withAction(int value) {
        return new AccessRequest(actor, person, category, purpose, value, entryKind, author,
                masked, item, timeUnixSeconds, restrictionJustification);
    }

    public AccessRequest withEntryKind(int value) {
        return new AccessRequest(actor, person, category, purpose, action, value, author, masked,
                item, timeUnixSeconds, restrictionJustification);
    }

    public AccessRequest withAuthor(int value) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, value,
                masked, item, timeUnixSeconds, restrictionJustification);
    }

    public AccessRequest withMasked(boolean value) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, author,
                value, item, timeUnixSeconds, restrictionJustification);
    }

    public AccessRequest withItem(String value) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, author,
                masked, value, timeUnixSeconds, restrictionJustification);
    }

    public AccessRequest withTime(long unixSeconds) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, author,
                masked, item, unixSeconds, restrictionJustification);
    }

    /** A copy with `value` (SOCLE_RESTRICTION_JUSTIFICATION_*) as its restriction justification. */
    public AccessRequest withRestrictionJustification(int value) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, author,
                masked, item, timeUnixSeconds, value);
    }
}
