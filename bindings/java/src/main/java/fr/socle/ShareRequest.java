package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.List;

/**
 * A share under professional secrecy (socle_share_request): who shares with whom, whose data, on
 * which basis (SocleLibrary.SOCLE_SHARING_BASIS_*), for which purpose (an activity id), under
 * which share id (unique for the person), which items, and the person's involvement
 * (SOCLE_PERSON_INVOLVEMENT_*; NOT_INFORMED needs `involvementReason`). `timeUnixSeconds` 0: now
 * by the engine's clock. Pass it to AccessEngine.checkShare or AccessTrail.share.
 */
public record ShareRequest(String emitter, String recipient, String person, int basis,
        String purpose, String share, List<Item> items, int involvement,
        String involvementReason, boolean wholeFile, long timeUnixSeconds) {

    /**
     * One item: the vendor's item id, its data category (a category id of the policy) and the
     * SHA-256 of the content shared (32 bytes, or null), carried to the sharing log.
     */
    public record Item(String item, String category, byte[] contentSha256) {
        public Item(String item, String category) {
            this(item, category, null);
        }
    }

    public ShareRequest {
        items = List.copyOf(items);
    }

    /** Selected items, the person informed beforehand, now. */
    public ShareRequest(String emitter, String recipient, String person, int basis,
            String purpose, String share, List<Item> items) {
        this(emitter, recipient, person, basis, purpose, share, items,
                SocleLibrary.SOCLE_PERSON_INVOLVEMENT_INFORMED_BEFOREHAND, "", false, 0);
    }

    /** The same request for another person (the rest unchanged). */
    public ShareRequest withPerson(String other) {
        return new ShareRequest(emitter, recipient, other, basis, purpose, share, items,
                involvement, involvementReason, wholeFile, timeUnixSeconds);
    }

    /** The same request with other items. */
    public ShareRequest withItems(List<Item> other) {
        return new ShareRequest(emitter, recipient, person, basis, purpose, share, other,
                involvement, involvementReason, wholeFile, timeUnixSeconds);
    }

    /** The same request on another basis. */
    public ShareRequest withBasis(int other) {
        return new ShareRequest(emitter, recipient, person, other, purpose, share, items,
                involvement, involvementReason, wholeFile, timeUnixSeconds);
    }

    /** The same request under another share id. */
    public ShareRequest withShare(String other) {
        return new ShareRequest(emitter, recipient, person, basis, purpose, other, items,
                involvement, involvementReason, wholeFile, timeUnixSeconds);
    }

    /** A socle_share_request filled from this request; the caller frees it. */
    Pointer toNative() {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_share_request_new(out, error), error);
        Pointer r = out.getValue();
        try {
            Socle.check(lib.socle_share_request_set_parties(r, emitter, len(emitter), recipient,
                    len(recipient), person, len(person), error), error);
            Socle.check(lib.socle_share_request_set_basis(r, basis, error), error);
            Socle.check(lib.socle_share_request_set_purpose(r, purpose, len(purpose), error),
                    error);
            Socle.check(lib.socle_share_request_set_share(r, share, len(share), error), error);
            for (Item item : items) {
                byte[] hash = item.contentSha256();
                Socle.check(lib.socle_share_request_add_item(r, item.item(), len(item.item()),
                        item.category(), len(item.category()), hash,
                        Socle.size(hash == null ? 0 : hash.length), error), error);
            }
            Socle.check(lib.socle_share_request_set_whole_file(r, wholeFile ? 1 : 0, error),
                    error);
            Socle.check(lib.socle_share_request_set_involvement(r, involvement,
                    involvementReason, len(involvementReason), error), error);
            Socle.check(lib.socle_share_request_set_time_unix_seconds(r, timeUnixSeconds, error),
                    error);
            return r;
        } catch (RuntimeException e) {
            lib.socle_share_request_free(r);
            throw e;
        }
    }

    private static SocleLibrary.SizeT len(String s) {
        return Socle.size(Socle.utf8Length(s));
    }
}
