package fr.socle;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The access decision engine over a Policy: a directory, then decisions. Ids are looked up once
 * with find*() and passed as dense ints. {@code new AccessEngine(policy)} starts empty in memory;
 * {@link #open} is an engine of record, rebuilt from and written to a state ledger. Thread-safe;
 * close it (try-with-resources) when done.
 */
public final class AccessEngine extends Handle {
    public AccessEngine(Policy policy) {
        this(create(policy));
    }

    private AccessEngine(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_access_engine_free(p));
    }

    /**
     * An engine of record over `policy` on the state ledger `ledger` (a Ledger opened with the
     * name "state"): its state is rebuilt from the newest snapshot and the events after it, and
     * every change it applies is written to the ledger before it is published (a change that
     * cannot be written throws and changes nothing). The engine keeps the policy and the ledger
     * alive: both may be closed after this call. `policy` must be the ledger's policy in force
     * (a new ledger takes it as its first; docs/policy-approval.md): SOCLE_E_FAILED_PRECONDITION
     * for another one until two professionals approved it and it was activated
     * (PolicyApproval). SOCLE_E_DATA_LOSS for a damaged ledger.
     */
    public static AccessEngine open(Policy policy, Ledger ledger) {
        return open(policy, ledger, false);
    }

    /** As {@link #open(Policy, Ledger)}; {@code development}: runs a policy not approved, which
     * the ledger records. */
    public static AccessEngine open(Policy policy, Ledger ledger, boolean development) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_open_mode(policy.pointer(), ledger.pointer(),
                development ? SocleLibrary.SOCLE_ENGINE_OPEN_DEVELOPMENT
                            : SocleLibrary.SOCLE_ENGINE_OPEN_IN_FORCE, out, error), error);
        return new AccessEngine(out.getValue());
    }

    private static Pointer create(Policy policy) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_create(policy.pointer(), out, error), error);
        return out.getValue();
    }

    public long revision() {
        return Socle.lib().socle_access_engine_revision(pointer());
    }

    /**
     * Writes a snapshot of the state to the engine's state ledger, so that the next open()
     * replays only the events after it. SOCLE_E_FAILED_PRECONDITION for an engine made with
     * {@code new} (it has no ledger).
     */
    public void saveSnapshot() {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_save_snapshot(pointer(), error), error);
    }

    /**
     * Applies the events other processes appended to the state ledger; returns the new revision.
     * A change refused with SOCLE_E_FAILED_PRECONDITION (another process wrote first) succeeds
     * after it.
     */
    public long catchUp() {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_catch_up(pointer(), revision, error), error);
        return revision[0];
    }

    /**
     * Keeps the engine of record caught up in the background: a thread waits for the state
     * ledger to grow (on PostgreSQL it is told of each append as it commits, and reads the
     * ledger's size every {@code pollIntervalMs} in case a notification was lost; 0: 1000) and
     * applies what other processes and servers appended; after an error it tries again
     * {@code retryDelayMs} later (0: 100). Stopped by {@link #stopFollowing} or {@link #close}.
     * SOCLE_E_FAILED_PRECONDITION for an engine without a state ledger or already following.
     */
    public void follow(int pollIntervalMs, int retryDelayMs) {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_follow(pointer(), pollIntervalMs,
                retryDelayMs, error), error);
    }

    /** Stops the follower (its wait is interrupted); returns once its thread has ended. */
    public void stopFollowing() {
        Socle.lib().socle_access_engine_stop_following(pointer());
    }

    /**
     * What the follower did: whether it runs, its failed attempts, when it last found the engine
     * in step with the ledger (Unix milliseconds, 0 before), the error of its last attempt and
     * the most recent since it started (null when none).
     */
    public record FollowerStatus(boolean following, long failures, long inStepAtUnixMillis,
            SocleException error, SocleException lastError) {}

    /** The follower's status (see {@link FollowerStatus}). */
    public FollowerStatus followerStatus() {
        int[] following = new int[1];
        long[] failures = new long[1];
        long[] inStep = new long[1];
        SocleException status = null;
        PointerByReference error = new PointerByReference();
        try {
            Socle.check(Socle.lib().socle_access_engine_follower_status(pointer(), following,
                    failures, inStep, error), error);
        } catch (SocleException e) {
            status = e;
        }
        SocleException last = null;
        PointerByReference lastError = new PointerByReference();
        try {
            Socle.check(Socle.lib().socle_access_engine_follower_last_error(pointer(), lastError),
                    lastError);
        } catch (SocleException e) {
            last = e;
        }
        return new FollowerStatus(following[0] != 0, failures[0], inStep[0], status, last);
    }

    /** Freezes the engine's clock (tests, demos); 0 returns to the real clock. */
    public void setTime(long unixSeconds) {
        Socle.lib().socle_access_engine_set_time(pointer(), unixSeconds);
    }

    /** Loads professionals and persons in the workload's TSV format; returns the revision. */
    public long loadDirectoryTsv(String professionals, String persons) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_load_directory_tsv(pointer(), professionals,
                Socle.size(Socle.utf8Length(professionals)), persons,
                Socle.size(Socle.utf8Length(persons)), revision, error), error);
        return revision[0];
    }

    /** The same, from two files. */
    public long loadDirectoryTsvFiles(String professionalsPath, String personsPath) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_load_directory_tsv_files(pointer(),
                professionalsPath, personsPath, revision, error), error);
        return revision[0];
    }

    private interface Finder {
        int find(Pointer engine, String id, SocleLibrary.SizeT len, int[] out,
                PointerByReference error);
    }

    private int find(Finder finder, String id) {
        int[] out = new int[1];
        PointerByReference error = new PointerByReference();
        Socle.check(finder.find(pointer(), id, Socle.size(Socle.utf8Length(id)), out, error),
                error);
        return out[0];
    }

    public int findProfessional(String id) {
        return find(Socle.lib()::socle_access_engine_find_professional, id);
    }

    public int findPerson(String id) {
        return find(Socle.lib()::socle_access_engine_find_person, id);
    }

    public int findTeam(String id) {
        return find(Socle.lib()::socle_access_engine_find_team, id);
    }

    public int findCategory(String id) {
        return find(Socle.lib()::socle_access_engine_find_category, id);
    }

    public int findPurpose(String id) {
        return find(Socle.lib()::socle_access_engine_find_purpose, id);
    }

    public String personName(int id) {
        return Socle.lib().socle_access_engine_person_name(pointer(), id);
    }

    public String professionalName(int id) {
        return Socle.lib().socle_access_engine_professional_name(pointer(), id);
    }

    /** What a decision's rule names ("habilitations[2]"). */
    public String ruleName(int rule) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_rule_name(pointer(), rule, out, error), error);
        return new String(Socle.take(out), StandardCharsets.UTF_8);
    }

    /** A contiguous array of socle_access_request, and the item ids it points into. */
    static final class Requests {
        final SocleLibrary.AccessRequest[] array;
        final Socle.Strings items;

        Requests(List<AccessRequest> requests) {
            List<String> ids = new ArrayList<>(requests.size());
            for (AccessRequest r : requests) {
                ids.add(r.item());
            }
            items = Socle.Strings.of(ids);
            array = (SocleLibrary.AccessRequest[]) new SocleLibrary.AccessRequest()
                    .toArray(Math.max(1, requests.size()));
            for (int i = 0; i < requests.size(); i++) {
                AccessRequest r = requests.get(i);
                SocleLibrary.AccessRequest c = array[i];
                c.version = SocleLibrary.SOCLE_ACCESS_REQUEST_VERSION;
                c.actor = r.actor();
                c.action = r.action();
                c.person = r.person();
                c.category = r.category();
                c.purpose = r.purpose();
                c.entry_kind = r.entryKind();
                c.author = r.author();
                c.masked = r.masked() ? 1 : 0;
                c.reserved = 0;
                c.time_unix_seconds = r.timeUnixSeconds();
                c.restriction_justification = r.restrictionJustification();
                c.item = r.item() == null ? null : items.at(i);
                c.item_len = Socle.size(r.item() == null ? 0 : items.lens[i]);
                c.write();
            }
        }
    }

    public Decision decide(AccessRequest request) {
        Requests c = new Requests(List.of(request));
        SocleLibrary.Decision out = new SocleLibrary.Decision();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_decide(pointer(), c.array[0], out, error),
                error);
        return Decision.of(out);
    }

    /**
     * Decides every request on one snapshot, in one call. An invalid request is denied with
     * SOCLE_REASON_INVALID_REQUEST and the call then throws the first one's error.
     */
    public List<Decision> decideMany(List<AccessRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        Requests c = new Requests(requests);
        SocleLibrary.Decision[] out = (SocleLibrary.Decision[]) new SocleLibrary.Decision()
                .toArray(requests.size());
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_access_engine_decide_many(pointer(), c.array[0],
                Socle.size(requests.size()), out[0], error);
        Socle.check(status, error);
        List<Decision> decisions = new ArrayList<>(out.length);
        for (SocleLibrary.Decision d : out) {
            d.read();
            decisions.add(Decision.of(d));
        }
        return decisions;
    }

    public Explanation explain(AccessRequest request) {
        SocleLibrary lib = Socle.lib();
        Requests c = new Requests(List.of(request));
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_access_engine_explain(pointer(), c.array[0], out, error), error);
        Pointer e = out.getValue();
        try {
            SocleLibrary.Decision decision = new SocleLibrary.Decision();
            lib.socle_explanation_decision(e, decision);
            decision.read();
            long count = lib.socle_explanation_step_count(e).longValue();
            List<Explanation.Step> steps = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                SocleLibrary.SizeT index = Socle.size(i);
                steps.add(new Explanation.Step(
                        Socle.orEmpty(lib.socle_explanation_step_check(e, index)),
                        lib.socle_explanation_step_passed(e, index) == 1,
                        lib.socle_explanation_step_decisive(e, index) == 1,
                        Socle.orEmpty(lib.socle_explanation_step_rule(e, index)),
                        Socle.orEmpty(lib.socle_explanation_step_detail(e, index))));
            }
            SocleLibrary.Buffer text = new SocleLibrary.Buffer();
            PointerByReference textError = new PointerByReference();
            Socle.check(lib.socle_explanation_to_text(e, text, textError), textError);
            return new Explanation(Decision.of(decision), List.copyOf(steps),
                    new String(Socle.take(text), StandardCharsets.UTF_8));
        } finally {
            lib.socle_explanation_free(e);
        }
    }

    /** How each item of a file is shown (one request per item): SOCLE_VIEW_* per item. */
    public int[] filterView(List<AccessRequest> items) {
        if (items.isEmpty()) {
            return new int[0];
        }
        Requests c = new Requests(items);
        int[] out = new int[items.size()];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_filter_view(pointer(), c.array[0],
                Socle.size(items.size()), out, error), error);
        return out;
    }

    /** The persons (dense ids, sorted) `actor` may access for (action, category, purpose). */
    public int[] listPersons(int actor, int category, int purpose, int action,
            long timeUnixSeconds) {
        Memory count = new Memory(Native.SIZE_T_SIZE);
        int capacity = 1024;
        while (true) {
            int[] out = new int[capacity];
            PointerByReference error = new PointerByReference();
            int status = Socle.lib().socle_access_engine_list_persons(pointer(), actor, category,
                    purpose, action, timeUnixSeconds, out, Socle.size(capacity), count, error);
            long needed = Socle.readSize(count);
            if (status == SocleLibrary.SOCLE_E_OUT_OF_RANGE && needed > capacity) {
                if (error.getValue() != null) {
                    Socle.lib().socle_error_free(error.getValue());
                }
                capacity = Math.toIntExact(needed);
                continue;
            }
            Socle.check(status, error);
            return java.util.Arrays.copyOf(out, Math.toIntExact(needed));
        }
    }

    public int[] listPersons(int actor, int category, int purpose) {
        return listPersons(actor, category, purpose, SocleLibrary.SOCLE_ACTION_READ, 0);
    }

    // -- Sharing under professional secrecy, prior information, mandates -----------------------

    /**
     * Checks `request` against the sharing checklist on the current state, recording nothing.
     * An unknown emitter, recipient or person (SOCLE_E_NOT_FOUND) or a share id already used
     * for the person (SOCLE_E_ALREADY_EXISTS) throw; every other failure is a refused outcome
     * naming its check.
     */
    public SharingOutcome checkShare(ShareRequest request) {
        return SharingOutcome.decide(request, (r, out, error) ->
                Socle.lib().socle_access_engine_check_share(pointer(), r, out, error));
    }

    /** Ends one share's grant (it stays in the history); SOCLE_E_NOT_FOUND when none. */
    public long revokeShare(String person, String recipient, String share, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_revoke_share(pointer(), person, len(person),
                recipient, len(recipient), share, len(share), recordedBy, len(recordedBy),
                revision, error), error);
        return revision[0];
    }

    /**
     * Records that the person (or `informed`, a representative valid today; "" or null: the
     * person) was told, before share `share`, that `categories` would be shared with
     * `recipient`, through `channel` (SOCLE_INFORM_CHANNEL_*); `maturityAssessment` for a child
     * told (or ""). Returns the revision.
     */
    public long recordPersonInformed(String person, String informed, String share,
            String recipient, List<String> categories, int channel, String maturityAssessment,
            String recordedBy) {
        Socle.Strings c = Socle.Strings.of(categories);
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_person_informed(pointer(), person,
                len(person), informed, len(informed), share, len(share), recipient,
                len(recipient), c.pointers, c.lengths, Socle.size(categories.size()), channel,
                maturityAssessment, len(maturityAssessment), recordedBy, len(recordedBy),
                revision, error), error);
        return revision[0];
    }

    /**
     * Records why the person could not be told before share `share`
     * (SOCLE_INFORMATION_EXCEPTION_*), decided by `recordedBy`; returns the revision.
     */
    public long recordInformationException(String person, String share, int kind,
            String justification, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_information_exception(pointer(),
                person, len(person), share, len(share), kind, justification,
                len(justification), recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /**
     * Creates mandate `mandate` for `person`, held by `structure`, for `procedures` and
     * `durationDays` (1, 31, 182 or 365: SOCLE_E_OUT_OF_RANGE otherwise), created by `aidant`,
     * with the person's involvement (SOCLE_PERSON_INVOLVEMENT_*; NOT_INFORMED needs a reason).
     */
    public MandateCreated createMandate(String mandate, String person, String structure,
            List<String> procedures, int durationDays, String templateVersion, String aidant,
            int involvement, String involvementReason) {
        Socle.Strings p = Socle.Strings.of(procedures);
        byte[] hash = new byte[SocleLibrary.SOCLE_MANDATE_ATTESTATION_BYTES];
        long[] expires = new long[1];
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_create_mandate(pointer(), mandate,
                len(mandate), person, len(person), structure, len(structure), p.pointers,
                p.lengths, Socle.size(procedures.size()), durationDays, templateVersion,
                len(templateVersion), aidant, len(aidant), involvement, involvementReason,
                len(involvementReason), hash, Socle.size(hash.length), expires, revision, error),
                error);
        return new MandateCreated(revision[0], hash, expires[0]);
    }

    /**
     * Records that `professional` acted for the person under `mandate` for `procedure`;
     * SOCLE_E_PERMISSION_DENIED (nothing recorded) unless checkMandate allows it.
     */
    public long useMandate(String mandate, String procedure, String professional,
            int involvement, String involvementReason) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_use_mandate(pointer(), mandate, len(mandate),
                procedure, len(procedure), professional, len(professional), involvement,
                involvementReason, len(involvementReason), revision, error), error);
        return revision[0];
    }

    /**
     * Revokes `procedures` of `mandate` (empty: every one in force), by the person
     * (`byPerson`) or by the structure at their request; returns the revision.
     */
    public long revokeMandate(String mandate, List<String> procedures, boolean byPerson,
            String recordedBy) {
        Socle.Strings p = Socle.Strings.of(procedures);
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_revoke_mandate(pointer(), mandate,
                len(mandate), p.pointers, p.lengths, Socle.size(procedures.size()),
                byPerson ? 1 : 0, recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /**
     * Whether `professional` may act under `mandate` for `procedure` (now, or at
     * `timeUnixSeconds`): a SOCLE_MANDATE_VERDICT_* (ALLOWED or why not); records nothing.
     */
    public int checkMandate(String mandate, String procedure, String professional,
            long timeUnixSeconds) {
        int[] verdict = new int[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_check_mandate(pointer(), mandate,
                len(mandate), procedure, len(procedure), professional, len(professional),
                timeUnixSeconds, verdict, error), error);
        return verdict[0];
    }

    private static SocleLibrary.SizeT len(String s) {
        return Socle.size(Socle.utf8Length(s));
    }

    /**
     * What the person sees (REQ-55): everything recorded by or for {@code person} that bears on
     * who may read their file, as it stood at {@code atUnixSeconds} (0: now by the engine's
     * clock), as the JSON of socle.v1.PersonSummary (proto/socle/v1/person_summary.proto):
     * consents and their history, objections, representatives, masks, blocks, mandates, shares
     * with their recipients, items and bases, prior information still owed, open break-the-glass
     * sessions, and who can reach the file and why. A {@link SocleException} with code
     * SOCLE_E_NOT_FOUND for a person not in the directory.
     */
    public String personSummary(String person, long atUnixSeconds) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_person_summary(pointer(), person,
                Socle.size(Socle.utf8Length(person)), atUnixSeconds,
                SocleLibrary.SOCLE_SUMMARY_FORMAT_JSON, out, error), error);
        return new String(Socle.take(out), StandardCharsets.UTF_8);
    }

    /** The person summary now. */
    public String personSummary(String person) {
        return personSummary(person, 0);
    }

    // -- representatives, consents, objections (socle/consent.hpp; Consent.java) ---------------

    /**
     * Records that `representative` (a person of the directory) represents `person` as `kind`
     * (SOCLE_REPRESENTATION_*) from the day `from` to the day `to` ("YYYY-MM-DD"; "" or null:
     * until ended). Parental authority needs the person's birth date and ends the day before
     * their 18th birthday. Returns the new revision.
     */
    public long setRepresentative(String person, String representative, int kind, String from,
            String to, String reference, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_set_representative(pointer(), person,
                len(person), representative, len(representative), kind, from, len(from), to,
                len(to), reference, len(reference), recordedBy, len(recordedBy), revision,
                error), error);
        return revision[0];
    }

    /** Ends the representation of `kind` by `representative` on `lastDay` ("YYYY-MM-DD"). */
    public long endRepresentative(String person, String representative, int kind,
            String lastDay, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_end_representative(pointer(), person,
                len(person), representative, len(representative), kind, lastDay, len(lastDay),
                recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** Records the consent `spec` describes; returns the new revision. */
    public long giveConsent(ConsentSpec spec) {
        Pointer handle = spec.handle();
        try {
            long[] revision = new long[1];
            PointerByReference error = new PointerByReference();
            Socle.check(Socle.lib().socle_access_engine_give_consent(pointer(), handle, revision,
                    error), error);
            return revision[0];
        } finally {
            Socle.lib().socle_consent_spec_free(handle);
        }
    }

    /**
     * Withdraws the consent in force for (person, purpose, scope): `withdrawnBy` is the person or
     * a representative in force, `channel` SOCLE_CONSENT_CHANNEL_*.
     */
    public long withdrawConsent(String person, String purpose, int scope, String withdrawnBy,
            int channel, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_withdraw_consent(pointer(), person,
                len(person), purpose, len(purpose), scope, withdrawnBy, len(withdrawnBy), channel,
                recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /**
     * Whether `person` has a valid consent of `scope` for `purpose` at `atUnixSeconds` (0: now),
     * covering `category` and (SHARING) `recipient` when not empty (or null).
     */
    public ConsentStatus consentStatus(String person, String purpose, int scope,
            long atUnixSeconds, String category, String recipient) {
        int[] state = new int[1];
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_consent_status(pointer(), person, len(person),
                purpose, len(purpose), scope, atUnixSeconds, category, len(category), recipient,
                len(recipient), state, revision, error), error);
        return new ConsentStatus(state[0], revision[0]);
    }

    /** The PROCESSING consent status now, for any category. */
    public ConsentStatus consentStatus(String person, String purpose) {
        return consentStatus(person, purpose, SocleLibrary.SOCLE_CONSENT_SCOPE_PROCESSING, 0, null,
                null);
    }

    /**
     * Records an objection of `kind` (SOCLE_OBJECTION_KIND_*): PROCESSING to the activity
     * `purpose` (suspended for the person until decided), SHARING to every share (`purpose`
     * empty, `informedEvidence` required).
     */
    public long recordObjection(String person, int kind, String purpose, String objectedBy,
            String informedEvidence, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_record_objection(pointer(), person,
                len(person), kind, purpose, len(purpose), objectedBy, len(objectedBy),
                informedEvidence, len(informedEvidence), recordedBy, len(recordedBy), revision,
                error), error);
        return revision[0];
    }

    /**
     * The controller's decision on the pending objection to `purpose`: `outcome`
     * SOCLE_OBJECTION_OUTCOME_* other than PENDING, with its justification.
     */
    public long decideObjection(String person, String purpose, int outcome, String justification,
            String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_decide_objection(pointer(), person,
                len(person), purpose, len(purpose), outcome, justification, len(justification),
                recordedBy, len(recordedBy), revision, error), error);
        return revision[0];
    }

    /** The person withdraws a standing objection (`purpose` empty for SHARING). */
    public long withdrawObjection(String person, int kind, String purpose, String recordedBy) {
        long[] revision = new long[1];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_engine_withdraw_objection(pointer(), person,
                len(person), kind, purpose, len(purpose), recordedBy, len(recordedBy), revision,
                error), error);
        return revision[0];
    }
}
