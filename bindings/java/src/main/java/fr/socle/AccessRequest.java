package fr.socle;

import fr.socle.jna.SocleLibrary;

/**
 * One access question in dense ids (AccessEngine.find*). {@link #of} gives the defaults of
 * socle_access_request_init(): read, a fact, no author, not masked, no item, now; the with*
 * methods return modified copies.
 */
public record AccessRequest(int actor, int person, int category, int purpose, int action,
        int entryKind, int author, boolean masked, String item, long timeUnixSeconds) {

    public static AccessRequest of(int actor, int person, int category, int purpose) {
        return new AccessRequest(actor, person, category, purpose, SocleLibrary.SOCLE_ACTION_READ,
                SocleLibrary.SOCLE_ENTRY_FACT, SocleLibrary.SOCLE_NO_ID, false, null, 0);
    }

    public AccessRequest withAction(int value) {
        return new AccessRequest(actor, person, category, purpose, value, entryKind, author,
                masked, item, timeUnixSeconds);
    }

    public AccessRequest withEntryKind(int value) {
        return new AccessRequest(actor, person, category, purpose, action, value, author, masked,
                item, timeUnixSeconds);
    }

    public AccessRequest withAuthor(int value) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, value,
                masked, item, timeUnixSeconds);
    }

    public AccessRequest withMasked(boolean value) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, author,
                value, item, timeUnixSeconds);
    }

    public AccessRequest withItem(String value) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, author,
                masked, value, timeUnixSeconds);
    }

    public AccessRequest withTime(long unixSeconds) {
        return new AccessRequest(actor, person, category, purpose, action, entryKind, author,
                masked, item, unixSeconds);
    }
}
