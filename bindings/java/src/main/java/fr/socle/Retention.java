package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention, the rights request register and the breach register (socle/retention.hpp,
 * socle/rights.hpp, socle/breach.hpp; docs/retention-and-rights.md), as static methods over an
 * AccessEngine. Every write returns the new revision and records nothing when it throws a
 * SocleException naming the parameter. Days are "YYYY-MM-DD" in Europe/Paris ("" today by the
 * engine's clock); times are Unix seconds (0: now by the engine's clock). Thread safety: as the
 * engine's (writes serialised, queries on immutable snapshots).
 */
public final class Retention {
    private Retention() {}

    /**
     * The retention of one data category (its dense id) on one day: `phase` and `nextPhase` are
     * SOCLE_RETENTION_PHASE_*, days "YYYY-MM-DD" or "" when none; the rule that decided is
     * activities[activity].retention[ruleIndex] of the policy.
     */
    public record Status(int category, int phase, String since, String nextChange, int nextPhase,
            int endAction, int activity, int ruleIndex, int start, String startDay,
            boolean hardStop, String source) {}

    /** One request of the rights register, its days counted on the query's day. */
    public record RightsRequest(String request, int kind, String person, String requester,
            int requesterKind, int channel, String recordedBy, long receivedUnixSeconds,
            String receivedDay, String firstDeadline, String deadline, int extensionMonths,
            String justification, long extensionNotifiedUnixSeconds, int status,
            long closedUnixSeconds, String reasons, String complaintInformation, long daysLeft,
            long revision) {}

    /** One breach of the register (times in Unix seconds, 0: not yet). */
    public record Breach(String breach, long awareUnixSeconds, List<String> nature, int risk,
            String assessment, boolean unintelligible, String unintelligibleReason,
            long personsConcerned, long recordsConcerned, String recordedBy,
            boolean authorityNotificationRequired, long authorityDeadlineUnixSeconds,
            long authorityNotifiedUnixSeconds, boolean authorityNotifiedLate, String delayReason,
            String authorityReference, boolean personNotificationRequired,
            long personsNotifiedUnixSeconds, String personsNotificationMeans,
            long closedUnixSeconds, long revision) {}

    // --- Retention ------------------------------------------------------------------------

    /**
     * A contact with `person` on `day` ("" today) from `originator` (SOCLE_CONTACT_ORIGINATOR_*);
     * `representative` for REPRESENTATIVE, "" otherwise.
     */
    public static long recordContact(AccessEngine engine, String person, int originator,
            String representative, String day, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_contact(engine.pointer(), person,
                len(person), originator, representative, len(representative), day, len(day),
                recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** `person`'s right of `activity` in course (`lastDay` "") or ended on `lastDay`. */
    public static long recordRight(AccessEngine engine, String person, String activity,
            String lastDay) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_right(engine.pointer(), person,
                len(person), activity, len(activity), lastDay, len(lastDay), revision, error),
                error);
        return revision[0];
    }

    /** As recordRight, for a follow-up programme of `activity`. */
    public static long recordFollowUp(AccessEngine engine, String person, String activity,
            String lastDay) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_follow_up(engine.pointer(), person,
                len(person), activity, len(activity), lastDay, len(lastDay), revision, error),
                error);
        return revision[0];
    }

    /** `person`'s death on `day`. */
    public static long recordDeath(AccessEngine engine, String person, String day) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_death(engine.pointer(), person,
                len(person), day, len(day), revision, error), error);
        return revision[0];
    }

    /** The phase of every data category of `person`'s file on `day` ("" today), by dense id. */
    public static List<Status> phases(AccessEngine engine, String person, String day) {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_access_engine_retention(engine.pointer(), person, len(person), day,
                len(day), out, error), error);
        Pointer r = out.getValue();
        try {
            long count = lib.socle_retention_count(r).longValue();
            List<Status> lines = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                lines.add(new Status(lib.socle_retention_category(r, k),
                        lib.socle_retention_phase(r, k),
                        Socle.orEmpty(lib.socle_retention_since(r, k)),
                        Socle.orEmpty(lib.socle_retention_next_change(r, k)),
                        lib.socle_retention_next_phase(r, k),
                        lib.socle_retention_end_action(r, k),
                        lib.socle_retention_activity(r, k),
                        lib.socle_retention_rule_index(r, k), lib.socle_retention_start(r, k),
                        Socle.orEmpty(lib.socle_retention_start_day(r, k)),
                        lib.socle_retention_hard_stop(r, k) == 1,
                        Socle.orEmpty(lib.socle_retention_source(r, k))));
            }
            return List.copyOf(lines);
        } finally {
            lib.socle_retention_free(r);
        }
    }

    /** SOCLE_RETENTION_PHASE_* as its stable name ("intermediate_archive"…). */
    public static String phaseName(int phase) {
        return Socle.orEmpty(Socle.lib().socle_retention_phase_name(phase));
    }

    /**
     * AccessEngine.decide with the reason an archivist gives for reading the intermediate
     * archive (SOCLE_REASON_ALLOWED_ARCHIVIST; SOCLE_REASON_ARCHIVED for anyone else, or
     * without a reason). With a trail (not null) the decision is recorded, the reason as its
     * justification.
     */
    public static Decision decideWithArchiveReason(AccessEngine engine, AccessRequest request,
            String archiveReason, AccessTrail trail) {
        AccessEngine.Requests c = new AccessEngine.Requests(List.of(request));
        SocleLibrary.Decision out = new SocleLibrary.Decision();
        PointerByReference error = new PointerByReference();
        SocleLibrary lib = Socle.lib();
        int status = trail == null
                ? lib.socle_access_engine_decide_with_archive_reason(engine.pointer(),
                        c.array[0], archiveReason, len(archiveReason), out, error)
                : lib.socle_access_trail_decide_with_archive_reason(trail.pointer(), c.array[0],
                        archiveReason, len(archiveReason), out, error);
        Socle.check(status, error);
        return Decision.of(out);
    }

    // --- Rights requests ------------------------------------------------------------------

    /**
     * Records the request `request` of `kind` (SOCLE_RIGHTS_REQUEST_KIND_*) about `person`, made
     * by `requester` ("" the person), received at `receivedUnixSeconds` (0 now) by `channel`
     * (SOCLE_CONSENT_CHANNEL_*).
     */
    public static long recordRightsRequest(AccessEngine engine, String request, int kind,
            String person, String requester, long receivedUnixSeconds, int channel,
            String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_rights_request(engine.pointer(),
                request, len(request), kind, person, len(person), requester, len(requester),
                receivedUnixSeconds, channel, recordedBy, len(recordedBy), revision, error),
                error);
        return revision[0];
    }

    /** Extends `request` by `months` (1 or 2); the person was told at `notifiedUnixSeconds`. */
    public static long extendRightsRequest(AccessEngine engine, String request,
            String justification, long notifiedUnixSeconds, int months, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_extend_rights_request(engine.pointer(),
                request, len(request), justification, len(justification), notifiedUnixSeconds,
                months, recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** Closes `request`: answered, or with no action (`reasons`, `complaintInformation`). */
    public static long closeRightsRequest(AccessEngine engine, String request, boolean noAction,
            String reasons, String complaintInformation, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_close_rights_request(engine.pointer(),
                request, len(request), noAction ? 1 : 0, reasons, len(reasons),
                complaintInformation, len(complaintInformation), recordedBy, len(recordedBy),
                revision, error), error);
        return revision[0];
    }

    /** The requester withdraws `request` (`withdrawnBy` "" the person). */
    public static long withdrawRightsRequest(AccessEngine engine, String request,
            String withdrawnBy, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_withdraw_rights_request(engine.pointer(),
                request, len(request), withdrawnBy, len(withdrawnBy), recordedBy,
                len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** The request `request`, days counted on `day` ("" today). */
    public static RightsRequest getRightsRequest(AccessEngine engine, String request,
            String day) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_get_rights_request(engine.pointer(), request,
                len(request), day, len(day), out, error), error);
        return requests(out.getValue()).get(0);
    }

    /** The open requests about `person`, by deadline. */
    public static List<RightsRequest> openRightsRequests(AccessEngine engine, String person,
            String day) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_open_rights_requests(engine.pointer(), person,
                len(person), day, len(day), out, error), error);
        return requests(out.getValue());
    }

    /** Every request, in the order received. */
    public static List<RightsRequest> rightsRegister(AccessEngine engine, String day) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_rights_register(engine.pointer(), day,
                len(day), out, error), error);
        return requests(out.getValue());
    }

    /** The open requests whose deadline is before `day`, most late first. */
    public static List<RightsRequest> overdueRightsRequests(AccessEngine engine, String day) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_overdue_rights_requests(engine.pointer(), day,
                len(day), out, error), error);
        return requests(out.getValue());
    }

    /** The open requests due from `day` to `day` + `days` included, soonest first. */
    public static List<RightsRequest> rightsRequestsDueWithin(AccessEngine engine, String day,
            long days) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_rights_requests_due_within(engine.pointer(),
                day, len(day), days, out, error), error);
        return requests(out.getValue());
    }

    // --- Breaches -------------------------------------------------------------------------

    /**
     * Records the breach `breach` known since `awareUnixSeconds` (0 now), of `nature` (category
     * words), `risk` (SOCLE_BREACH_RISK_*; UNLIKELY needs its `assessment`).
     */
    public static long recordBreach(AccessEngine engine, String breach, long awareUnixSeconds,
            List<String> nature, int risk, String assessment, boolean unintelligible,
            String unintelligibleReason, long personsConcerned, long recordsConcerned,
            String recordedBy) {
        Socle.Strings words = Socle.Strings.of(nature);
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_breach(engine.pointer(), breach,
                len(breach), awareUnixSeconds, words.pointers, words.lengths,
                Socle.size(nature.size()), risk, assessment, len(assessment),
                unintelligible ? 1 : 0, unintelligibleReason, len(unintelligibleReason),
                personsConcerned, recordsConcerned, recordedBy, len(recordedBy), revision,
                error), error);
        return revision[0];
    }

    /** The authority was notified at `notifiedUnixSeconds`; `delayReason` past 72 hours. */
    public static long notifyBreachAuthority(AccessEngine engine, String breach,
            long notifiedUnixSeconds, String delayReason, String reference, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_notify_breach_authority(engine.pointer(),
                breach, len(breach), notifiedUnixSeconds, delayReason, len(delayReason),
                reference, len(reference), recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** The persons were told at `notifiedUnixSeconds` by `means`. */
    public static long notifyBreachPersons(AccessEngine engine, String breach,
            long notifiedUnixSeconds, String means, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_notify_breach_persons(engine.pointer(),
                breach, len(breach), notifiedUnixSeconds, means, len(means), recordedBy,
                len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** Closes the handling of `breach` (it stays in the register). */
    public static long closeBreach(AccessEngine engine, String breach, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_close_breach(engine.pointer(), breach,
                len(breach), recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** Every breach, in the order recorded. */
    public static List<Breach> breachRegister(AccessEngine engine) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_breach_register(engine.pointer(), out, error),
                error);
        return breaches(out.getValue());
    }

    /** The breach `breach`. */
    public static Breach getBreach(AccessEngine engine, String breach) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_get_breach(engine.pointer(), breach,
                len(breach), out, error), error);
        return breaches(out.getValue()).get(0);
    }

    /** The breaches late for the authority at `atUnixSeconds` (0 now), most late first. */
    public static List<Breach> overdueBreachNotifications(AccessEngine engine,
            long atUnixSeconds) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_overdue_breach_notifications(
                engine.pointer(), atUnixSeconds, out, error), error);
        return breaches(out.getValue());
    }

    // --- Helpers --------------------------------------------------------------------------

    private static SocleLibrary.SizeT len(String s) {
        return Socle.size(Socle.utf8Length(s));
    }

    private static List<RightsRequest> requests(Pointer r) {
        SocleLibrary lib = Socle.lib();
        try {
            long count = lib.socle_rights_requests_count(r).longValue();
            List<RightsRequest> lines = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                lines.add(new RightsRequest(Socle.orEmpty(lib.socle_rights_requests_request(r, k)),
                        lib.socle_rights_requests_kind(r, k),
                        Socle.orEmpty(lib.socle_rights_requests_person(r, k)),
                        Socle.orEmpty(lib.socle_rights_requests_requester(r, k)),
                        lib.socle_rights_requests_requester_kind(r, k),
                        lib.socle_rights_requests_channel(r, k),
                        Socle.orEmpty(lib.socle_rights_requests_recorded_by(r, k)),
                        lib.socle_rights_requests_received_unix_seconds(r, k),
                        Socle.orEmpty(lib.socle_rights_requests_received_day(r, k)),
                        Socle.orEmpty(lib.socle_rights_requests_first_deadline(r, k)),
                        Socle.orEmpty(lib.socle_rights_requests_deadline(r, k)),
                        lib.socle_rights_requests_extension_months(r, k),
                        Socle.orEmpty(lib.socle_rights_requests_justification(r, k)),
                        lib.socle_rights_requests_extension_notified_unix_seconds(r, k),
                        lib.socle_rights_requests_status(r, k),
                        lib.socle_rights_requests_closed_unix_seconds(r, k),
                        Socle.orEmpty(lib.socle_rights_requests_reasons(r, k)),
                        Socle.orEmpty(lib.socle_rights_requests_complaint_information(r, k)),
                        lib.socle_rights_requests_days_left(r, k),
                        lib.socle_rights_requests_revision(r, k)));
            }
            return List.copyOf(lines);
        } finally {
            lib.socle_rights_requests_free(r);
        }
    }

    private static List<Breach> breaches(Pointer b) {
        SocleLibrary lib = Socle.lib();
        try {
            long count = lib.socle_breaches_count(b).longValue();
            List<Breach> lines = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                List<String> nature = new ArrayList<>();
                long words = lib.socle_breaches_nature_count(b, k).longValue();
                for (long w = 0; w < words; w++) {
                    nature.add(Socle.orEmpty(lib.socle_breaches_nature(b, k, Socle.size(w))));
                }
                lines.add(new Breach(Socle.orEmpty(lib.socle_breaches_breach(b, k)),
                        lib.socle_breaches_aware_unix_seconds(b, k), List.copyOf(nature),
                        lib.socle_breaches_risk(b, k),
                        Socle.orEmpty(lib.socle_breaches_assessment(b, k)),
                        lib.socle_breaches_unintelligible(b, k) == 1,
                        Socle.orEmpty(lib.socle_breaches_unintelligible_reason(b, k)),
                        lib.socle_breaches_persons_concerned(b, k),
                        lib.socle_breaches_records_concerned(b, k),
                        Socle.orEmpty(lib.socle_breaches_recorded_by(b, k)),
                        lib.socle_breaches_authority_notification_required(b, k) == 1,
                        lib.socle_breaches_authority_deadline_unix_seconds(b, k),
                        lib.socle_breaches_authority_notified_unix_seconds(b, k),
                        lib.socle_breaches_authority_notified_late(b, k) == 1,
                        Socle.orEmpty(lib.socle_breaches_delay_reason(b, k)),
                        Socle.orEmpty(lib.socle_breaches_authority_reference(b, k)),
                        lib.socle_breaches_person_notification_required(b, k) == 1,
                        lib.socle_breaches_persons_notified_unix_seconds(b, k),
                        Socle.orEmpty(lib.socle_breaches_persons_notification_means(b, k)),
                        lib.socle_breaches_closed_unix_seconds(b, k),
                        lib.socle_breaches_revision(b, k)));
            }
            return List.copyOf(lines);
        } finally {
            lib.socle_breaches_free(b);
        }
    }
}
