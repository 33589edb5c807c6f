package fr.socle;

import com.sun.jna.Pointer;
import fr.socle.jna.SocleLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * A sharing entry of a person's history (AccessTrail.HistoryEntry.sharing, type
 * SOCLE_LEDGER_ENTRY_SHARING_DECISION). The entry's actor, role and structure are the emitter's,
 * purpose the share's, allowed whether it was granted and reason the failed check's name.
 * `information` is a SOCLE_SHARING_INFORMATION_*, `informedRevisions` the PersonInformed events
 * the share rests on (one per person to inform), `informationException` a
 * SOCLE_INFORMATION_EXCEPTION_* or 0, `involvement` a SOCLE_PERSON_INVOLVEMENT_*.
 */
public record SharingRecord(String share, int basis, String recipient, String recipientRole,
        String recipientStructure, List<ShareRequest.Item> items, int information,
        long informationRevision, List<Long> informedRevisions, int informationException,
        boolean followUpOpen,
        long consentRevision, boolean overridesOpposition, int involvement) {

    /** The record of entry `index` of a socle_history, or null for another type. */
    static SharingRecord of(SocleLibrary lib, Pointer h, SocleLibrary.SizeT index) {
        if (lib.socle_history_entry_type(h, index)
                        != SocleLibrary.SOCLE_LEDGER_ENTRY_SHARING_DECISION
                || lib.socle_history_entry_readable(h, index) != 1) {
            return null;
        }
        List<ShareRequest.Item> items = new ArrayList<>();
        long n = lib.socle_history_entry_sharing_item_count(h, index).longValue();
        for (long k = 0; k < n; k++) {
            items.add(new ShareRequest.Item(
                    Socle.orEmpty(lib.socle_history_entry_sharing_item(h, index, Socle.size(k))),
                    Socle.orEmpty(lib.socle_history_entry_sharing_item_category(h, index,
                            Socle.size(k)))));
        }
        List<Long> informed = new ArrayList<>();
        long m = lib.socle_history_entry_sharing_informed_revision_count(h, index).longValue();
        for (long k = 0; k < m; k++) {
            informed.add(lib.socle_history_entry_sharing_informed_revision(h, index,
                    Socle.size(k)));
        }
        return new SharingRecord(Socle.orEmpty(lib.socle_history_entry_sharing_share(h, index)),
                lib.socle_history_entry_sharing_basis(h, index),
                Socle.orEmpty(lib.socle_history_entry_sharing_recipient(h, index)),
                Socle.orEmpty(lib.socle_history_entry_sharing_recipient_role(h, index)),
                Socle.orEmpty(lib.socle_history_entry_sharing_recipient_structure(h, index)),
                List.copyOf(items), lib.socle_history_entry_sharing_information(h, index),
                lib.socle_history_entry_sharing_information_revision(h, index),
                List.copyOf(informed),
                lib.socle_history_entry_sharing_information_exception(h, index),
                lib.socle_history_entry_sharing_follow_up_open(h, index) == 1,
                lib.socle_history_entry_sharing_consent_revision(h, index),
                lib.socle_history_entry_sharing_overrides_opposition(h, index) == 1,
                lib.socle_history_entry_sharing_involvement(h, index));
    }
}
