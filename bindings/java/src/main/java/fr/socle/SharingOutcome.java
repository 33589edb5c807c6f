package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision on a share (socle_sharing_outcome): granted, or the check of the sharing
 * checklist that failed (SOCLE_SHARING_CHECK_*, named by `failedName`) with a sentence for a DPO;
 * and what the sharing log records. `exception` is a SOCLE_INFORMATION_EXCEPTION_* or 0;
 * `revision` a recorded grant's revision, else 0.
 */
public record SharingOutcome(boolean granted, int failed, String failedName, String sentence,
        boolean overridesOpposition, String share, String emitter, String recipient, int basis,
        String purpose, boolean wholeFile, List<ShareRequest.Item> items, List<String> categories,
        List<Long> informationRevisions, int exception, long exceptionRevision,
        boolean followUpOpen, long consentRevision, List<PersonToInform> personsToInform,
        long checkedRevision, long revision, long timeUnixSeconds) {

    /** Someone to tell of the share (REQ-28); `relation` a SOCLE_INFORM_RELATION_*. */
    public record PersonToInform(String person, int relation, boolean required,
            boolean informed) {}

    /** Runs a C call that fills a socle_sharing_outcome** and reads it (then frees it). */
    interface Call {
        int run(Pointer request, PointerByReference out, PointerByReference error);
    }

    static SharingOutcome decide(ShareRequest request, Call call) {
        SocleLibrary lib = Socle.lib();
        Pointer r = request.toNative();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference error = new PointerByReference();
            Socle.check(call.run(r, out, error), error);
            Pointer o = out.getValue();
            try {
                return of(lib, o);
            } finally {
                lib.socle_sharing_outcome_free(o);
            }
        } finally {
            lib.socle_share_request_free(r);
        }
    }

    private static SharingOutcome of(SocleLibrary lib, Pointer o) {
        List<ShareRequest.Item> items = new ArrayList<>();
        for (long i = 0, n = lib.socle_sharing_outcome_item_count(o).longValue(); i < n; i++) {
            items.add(new ShareRequest.Item(
                    Socle.orEmpty(lib.socle_sharing_outcome_item(o, Socle.size(i))),
                    Socle.orEmpty(lib.socle_sharing_outcome_item_category(o, Socle.size(i)))));
        }
        List<String> categories = new ArrayList<>();
        for (long i = 0, n = lib.socle_sharing_outcome_category_count(o).longValue(); i < n;
                i++) {
            categories.add(Socle.orEmpty(lib.socle_sharing_outcome_category(o, Socle.size(i))));
        }
        List<Long> revisions = new ArrayList<>();
        for (long i = 0, n = lib.socle_sharing_outcome_information_revision_count(o).longValue();
                i < n; i++) {
            revisions.add(lib.socle_sharing_outcome_information_revision(o, Socle.size(i)));
        }
        List<PersonToInform> persons = new ArrayList<>();
        for (long i = 0, n = lib.socle_sharing_outcome_person_to_inform_count(o).longValue();
                i < n; i++) {
            SocleLibrary.SizeT k = Socle.size(i);
            persons.add(new PersonToInform(
                    Socle.orEmpty(lib.socle_sharing_outcome_person_to_inform(o, k)),
                    lib.socle_sharing_outcome_person_to_inform_relation(o, k),
                    lib.socle_sharing_outcome_person_to_inform_required(o, k) == 1,
                    lib.socle_sharing_outcome_person_to_inform_informed(o, k) == 1));
        }
        int failed = lib.socle_sharing_outcome_failed(o);
        return new SharingOutcome(lib.socle_sharing_outcome_granted(o) == 1, failed,
                Socle.orEmpty(lib.socle_sharing_check_name(failed)),
                Socle.orEmpty(lib.socle_sharing_outcome_sentence(o)),
                lib.socle_sharing_outcome_overrides_opposition(o) == 1,
                Socle.orEmpty(lib.socle_sharing_outcome_share(o)),
                Socle.orEmpty(lib.socle_sharing_outcome_emitter(o)),
                Socle.orEmpty(lib.socle_sharing_outcome_recipient(o)),
                lib.socle_sharing_outcome_basis(o),
                Socle.orEmpty(lib.socle_sharing_outcome_purpose(o)),
                lib.socle_sharing_outcome_whole_file(o) == 1, List.copyOf(items),
                List.copyOf(categories), List.copyOf(revisions),
                lib.socle_sharing_outcome_exception(o),
                lib.socle_sharing_outcome_exception_revision(o),
                lib.socle_sharing_outcome_follow_up_open(o) == 1,
                lib.socle_sharing_outcome_consent_revision(o), List.copyOf(persons),
                lib.socle_sharing_outcome_checked_revision(o),
                lib.socle_sharing_outcome_revision(o),
                lib.socle_sharing_outcome_time_unix_seconds(o));
    }
}
