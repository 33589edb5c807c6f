package fr.socle;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides and records: every decision decide() and decideMany() return is already in the trail
 * ledger (if it cannot be recorded they throw: show nothing). A person's history is read by the
 * person or by a SECURITY_AUDITOR, and each read is recorded. The trail keeps its ledger open;
 * the engine must stay open as long as the trail. Thread-safe.
 */
public final class AccessTrail extends Handle {
    /**
     * One line of a person's history, decrypted (readable false once shredded or pruned);
     * `sharing` is the record of a sharing decision (type SOCLE_LEDGER_ENTRY_SHARING_DECISION),
     * null for other entries.
     */
    public record HistoryEntry(long index, long timeUnixSeconds, int type, boolean readable,
            String actor, String role, String structure, int action, String item,
            String category, String purpose, boolean allowed, String reason, String rule,
            boolean breakGlass, String justification, long revision, String operation,
            String detail, Ledger.Proof proof, SharingRecord sharing) {}

    /** One page of a history: `nextAfter` is the `after` of the next page, -1 after the last. */
    public record HistoryPage(List<HistoryEntry> entries, long nextAfter, String checkpointNote,
            long checkpointSize) {}

    /**
     * One line of currentAccess(): who may read the file now, and why. `basis` is "team",
     * "referent", "grant" or "break_glass"; `team` the team shared with the case (for "team",
     * else ""); `structure` may be ""; `expiresAtUnixSeconds` is when a grant or a session ends,
     * 0 when it does not.
     */
    public record CurrentAccess(String professional, String role, String structure, String basis,
            String team, long expiresAtUnixSeconds) {
        /** Whether the access ends by itself (a grant or a break-the-glass session). */
        public boolean expires() {
            return expiresAtUnixSeconds != 0;
        }
    }

    private final AccessEngine engine;

    private AccessTrail(Pointer pointer, AccessEngine engine) {
        super(pointer, p -> Socle.lib().socle_access_trail_free(p));
        this.engine = engine;
    }

    /**
     * What an export wrote: entries written, withheld (third-party information), left out
     * (working notes, entries portability does not carry), lines of access history, the audit
     * extract's checkpoint size, and the file's records and bytes.
     */
    public record ExportReport(long entries, long withheld, long leftOut, long historyEntries,
            long checkpointSize, long records, long bytes) {}

    /**
     * Writes the person's access request (GDPR art. 15) into `writer` (created with
     * SOCLE_EXPORT_KIND_ACCESS_REQUEST) and finishes it: `identityJson` (socle.v1.Identity's JSON
     * form, {"person": "P-1", "familyName": "Martin"}), every entry of `entriesJson` (socle.v1.Entry
     * JSON texts, pulled one at a time: an Iterable over a database cursor streams), the person's
     * summary and the access history of their file. `requestedBy` is the person or their
     * representative, `handledBy` the professional who prepares it (recorded in the trail first).
     * On error the writer is left unfinished (close it: no file); an exception thrown by the
     * entries' iterator is thrown again as is.
     */
    public ExportReport writeAccessRequest(String identityJson, Iterable<String> entriesJson,
            String requestedBy, String handledBy, ExportWriter writer) {
        return writePerson(true, identityJson, entriesJson, requestedBy, handledBy, writer);
    }

    /**
     * As writeAccessRequest(), the data the person provided of the activities where portability
     * applies (GDPR art. 20), into a writer created with SOCLE_EXPORT_KIND_PORTABILITY and
     * portabilityNotice(policy).
     */
    public ExportReport writePortability(String identityJson, Iterable<String> entriesJson,
            String requestedBy, String handledBy, ExportWriter writer) {
        return writePerson(false, identityJson, entriesJson, requestedBy, handledBy, writer);
    }

    /** The header's notice of a portability file under `policy`, for ExportWriter.create. */
    public static byte[] portabilityNotice(Policy policy) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_policy_portability_notice(policy.pointer(), out, error),
                error);
        return Socle.take(out);
    }

    /**
     * Writes the entries [begin, end) of the trail (end 0: all) with their proofs for `auditor`
     * (a SECURITY_AUDITOR) into `writer` (created with SOCLE_EXPORT_KIND_AUDIT_EXTRACT) and
     * finishes it; `sinceSize`: the size of a checkpoint the auditor holds (0: none).
     */
    public ExportReport writeAuditExtract(String auditor, long begin, long end, long sinceSize,
            ExportWriter writer) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_write_audit_extract(pointer(), auditor,
                Socle.size(Socle.utf8Length(auditor)), begin, end, sinceSize, writer.pointer(),
                out, error), error);
        return report(out.getValue());
    }

    private ExportReport writePerson(boolean accessRequest, String identityJson,
            Iterable<String> entriesJson, String requestedBy, String handledBy,
            ExportWriter writer) {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_person_identity_new(out, error), error);
        Pointer identity = out.getValue();
        try {
            Socle.check(lib.socle_person_identity_set_json(identity, identityJson,
                    Socle.size(Socle.utf8Length(identityJson)), error), error);
            java.util.Iterator<String> entries = entriesJson.iterator();
            RuntimeException[] raised = new RuntimeException[1];
            SocleLibrary.EntrySource source = (userData, entry, hasEntry) -> {
                try {
                    if (!entries.hasNext()) {
                        hasEntry.setInt(0, 0);
                        return SocleLibrary.SOCLE_OK;
                    }
                    String json = entries.next();
                    PointerByReference entryError = new PointerByReference();
                    Socle.check(lib.socle_case_entry_set_json(entry, json,
                            Socle.size(Socle.utf8Length(json)), entryError), entryError);
                    hasEntry.setInt(0, 1);
                    return SocleLibrary.SOCLE_OK;
                } catch (SocleException e) {
                    raised[0] = e;
                    return e.status() > 0 ? e.status() : SocleLibrary.SOCLE_E_INTERNAL;
                } catch (RuntimeException e) {
                    raised[0] = e;
                    return SocleLibrary.SOCLE_E_INTERNAL;
                }
            };
            PointerByReference report = new PointerByReference();
            int status = accessRequest
                    ? lib.socle_access_trail_write_access_request(pointer(), identity,
                            requestedBy, Socle.size(Socle.utf8Length(requestedBy)), handledBy,
                            Socle.size(Socle.utf8Length(handledBy)), 0, source, null,
                            writer.pointer(), report, error)
                    : lib.socle_access_trail_write_portability(pointer(), identity, requestedBy,
                            Socle.size(Socle.utf8Length(requestedBy)), handledBy,
                            Socle.size(Socle.utf8Length(handledBy)), 0, source, null,
                            writer.pointer(), report, error);
            if (status != SocleLibrary.SOCLE_OK && raised[0] != null) {
                lib.socle_error_free(error.getValue());
                throw raised[0];
            }
            Socle.check(status, error);
            return report(report.getValue());
        } finally {
            lib.socle_person_identity_free(identity);
        }
    }

    private static ExportReport report(Pointer r) {
        SocleLibrary lib = Socle.lib();
        try {
            return new ExportReport(lib.socle_export_report_entries(r),
                    lib.socle_export_report_withheld(r), lib.socle_export_report_left_out(r),
                    lib.socle_export_report_history_entries(r),
                    lib.socle_export_report_checkpoint_size(r), lib.socle_export_report_records(r),
                    lib.socle_export_report_bytes(r));
        } finally {
            lib.socle_export_report_free(r);
        }
    }

    public static AccessTrail create(Ledger ledger, AccessEngine engine) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_create(ledger.pointer(), engine.pointer(), out,
                error), error);
        return new AccessTrail(out.getValue(), engine);
    }

    /** As AccessEngine.decide, recorded; `justification` is the professional's (or ""). */
    public Decision decide(AccessRequest request, String justification) {
        AccessEngine.Requests c = new AccessEngine.Requests(List.of(request));
        SocleLibrary.Decision out = new SocleLibrary.Decision();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_decide(pointer(), c.array[0], justification,
                Socle.size(Socle.utf8Length(justification)), out, error), error);
        return Decision.of(out);
    }

    public Decision decide(AccessRequest request) {
        return decide(request, "");
    }

    /** As AccessEngine.decideMany, on one snapshot, every decision recorded in one append. */
    public List<Decision> decideMany(List<AccessRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        AccessEngine.Requests c = new AccessEngine.Requests(requests);
        SocleLibrary.Decision[] out = (SocleLibrary.Decision[]) new SocleLibrary.Decision()
                .toArray(requests.size());
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_decide_many(pointer(), c.array[0],
                Socle.size(requests.size()), out[0], error), error);
        List<Decision> decisions = new ArrayList<>(out.length);
        for (SocleLibrary.Decision d : out) {
            d.read();
            decisions.add(Decision.of(d));
        }
        return decisions;
    }

    /** Records a privileged operation (SOCLE_TRAIL_OPERATION_*); `person` may be "". */
    public void recordOperation(int operation, String actor, String person, String detail) {
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_access_trail_record_operation(pointer(), operation, actor,
                Socle.size(Socle.utf8Length(actor)), person,
                Socle.size(Socle.utf8Length(person)), detail,
                Socle.size(Socle.utf8Length(detail)), error), error);
    }

    /**
     * Who may read `person`'s file now, and why (REQ-55): one line per professional and basis.
     * SOCLE_E_NOT_FOUND when the person is not in the directory.
     */
    public List<CurrentAccess> currentAccess(String person) {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_access_trail_current_access(pointer(), person,
                Socle.size(Socle.utf8Length(person)), out, error), error);
        Pointer a = out.getValue();
        try {
            long count = lib.socle_current_access_count(a).longValue();
            List<CurrentAccess> lines = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                lines.add(new CurrentAccess(
                        Socle.orEmpty(lib.socle_current_access_professional(a, k)),
                        Socle.orEmpty(lib.socle_current_access_role(a, k)),
                        Socle.orEmpty(lib.socle_current_access_structure(a, k)),
                        Socle.orEmpty(lib.socle_current_access_basis(a, k)),
                        Socle.orEmpty(lib.socle_current_access_team(a, k)),
                        lib.socle_current_access_expires_unix_seconds(a, k)));
            }
            return List.copyOf(lines);
        } finally {
            lib.socle_current_access_free(a);
        }
    }

    /**
     * One page of `person`'s history read by `reader` (a SECURITY_AUDITOR, or with
     * `readerIsPerson` the person), after index `after` (-1: the first page), at most `limit`
     * entries, with from <= time < to (Unix seconds, 0: unbounded).
     */
    public HistoryPage history(String person, String reader, boolean readerIsPerson,
            long fromUnixSeconds, long toUnixSeconds, long after, int limit) {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_access_trail_history(pointer(), person,
                Socle.size(Socle.utf8Length(person)), reader,
                Socle.size(Socle.utf8Length(reader)), readerIsPerson ? 1 : 0, fromUnixSeconds,
                toUnixSeconds, after, Socle.size(limit), out, error), error);
        Pointer h = out.getValue();
        try {
            long size = lib.socle_history_checkpoint_size(h);
            long count = lib.socle_history_entry_count(h).longValue();
            List<HistoryEntry> entries = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                SocleLibrary.SizeT k = Socle.size(i);
                byte[] leaf = new byte[SocleLibrary.SOCLE_LEDGER_HASH_BYTES];
                byte[] hashes = new byte[64 * SocleLibrary.SOCLE_LEDGER_HASH_BYTES];
                Memory n = new Memory(Native.SIZE_T_SIZE);
                PointerByReference proofError = new PointerByReference();
                Socle.check(lib.socle_history_entry_proof(h, k, leaf, Socle.size(leaf.length),
                        hashes, Socle.size(hashes.length), n, proofError), proofError);
                long index = lib.socle_history_entry_index(h, k);
                entries.add(new HistoryEntry(index,
                        lib.socle_history_entry_time_unix_seconds(h, k),
                        lib.socle_history_entry_type(h, k),
                        lib.socle_history_entry_readable(h, k) == 1,
                        Socle.orEmpty(lib.socle_history_entry_actor(h, k)),
                        Socle.orEmpty(lib.socle_history_entry_role(h, k)),
                        Socle.orEmpty(lib.socle_history_entry_structure(h, k)),
                        lib.socle_history_entry_action(h, k),
                        Socle.orEmpty(lib.socle_history_entry_item(h, k)),
                        Socle.orEmpty(lib.socle_history_entry_category(h, k)),
                        Socle.orEmpty(lib.socle_history_entry_purpose(h, k)),
                        lib.socle_history_entry_allowed(h, k) == 1,
                        Socle.orEmpty(lib.socle_history_entry_reason(h, k)),
                        Socle.orEmpty(lib.socle_history_entry_rule(h, k)),
                        lib.socle_history_entry_break_glass(h, k) == 1,
                        Socle.orEmpty(lib.socle_history_entry_justification(h, k)),
                        lib.socle_history_entry_revision(h, k),
                        Socle.orEmpty(lib.socle_history_entry_operation(h, k)),
                        Socle.orEmpty(lib.socle_history_entry_detail(h, k)),
                        new Ledger.Proof(index, size, leaf,
                                Ledger.split(hashes, Socle.readSize(n))),
                        SharingRecord.of(lib, h, k)));
            }
            return new HistoryPage(List.copyOf(entries), lib.socle_history_next_after(h),
                    Socle.orEmpty(lib.socle_history_checkpoint_note(h)), size);
        } finally {
            lib.socle_history_free(h);
        }
    }

    /** The engine this trail decides with. */
    public AccessEngine engine() {
        return engine;
    }

    /**
     * Shares and records in one call: checks `request` on the trail's engine, records the grant
     * when granted, and writes the outcome, granted or refused, in the person's history. Errors
     * as AccessEngine.checkShare, nothing recorded.
     */
    public SharingOutcome share(ShareRequest request) {
        return SharingOutcome.decide(request, (r, out, error) ->
                Socle.lib().socle_access_trail_share(pointer(), engine.pointer(), r, out, error));
    }
}
