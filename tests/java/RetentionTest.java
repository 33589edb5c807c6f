package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessRequest;
import fr.socle.Policy;
import fr.socle.Retention;
import fr.socle.SocleException;
import fr.socle.jna.SocleLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Retention, rights requests and breaches from Java (fr.socle.Retention), run by CTest
 * (tests/java/CMakeLists.txt) as {@code java -Djna.library.path=<build>
 * fr.socle.test.RetentionTest <case>} with SOCLE_SOURCE_DIR set. On the CCAS example: financial
 * papers 24 months active after the last contact from the person, then 36 months of
 * intermediate archive; the head of service is the archivist. Exit code 0 only when every check
 * of the case passed.
 */
public final class RetentionTest {
    private static final long NOW = 4102444800L; // 2100-01-01 00:00 UTC, ahead of the real clock
    private static final long DAY = 86400L;
    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));

    private RetentionTest() {}

    private static AccessEngine engine() throws Exception {
        String text = Files.readString(SOURCE.resolve("examples/policies/ccas.textproto"));
        AccessEngine engine = new AccessEngine(Policy.load(text, "ccas"));
        engine.setTime(NOW);
        engine.loadDirectoryTsv("ass1\tass\tpole-social\tccas\n"
                + "resp1\tresponsable_service\tpole-social\tccas\n", "P-1\t\tass1\n");
        return engine;
    }

    static void retention() throws Exception {
        AccessEngine engine = engine();
        // The file opened a year ago (its first contact) and the person came today; no team holds
        // the case (the referent alone): the CCAS's other rules of the financial papers end
        // within the 24 months.
        Retention.recordContact(engine, "P-1", SocleLibrary.SOCLE_CONTACT_ORIGINATOR_PERSON, "",
                "2099-01-01", "ass1");
        long revision = Retention.recordContact(engine, "P-1",
                SocleLibrary.SOCLE_CONTACT_ORIGINATOR_PERSON, "", "", "ass1");
        check(revision == engine.revision(), "the contact is the last event");
        int financial = engine.findCategory("financial");
        Retention.Status now = Retention.phases(engine, "P-1", "").get(financial);
        check(now.phase() == SocleLibrary.SOCLE_RETENTION_PHASE_ACTIVE, "active today");
        check(now.startDay().equals("2100-01-01"), "counted from the contact");
        check(now.nextChange().equals("2102-01-01"), "archived after 24 months");
        Retention.Status later = Retention.phases(engine, "P-1", "2102-06-01").get(financial);
        check(later.phase() == SocleLibrary.SOCLE_RETENTION_PHASE_INTERMEDIATE_ARCHIVE,
                "in the intermediate archive two years later");
        check(later.since().equals("2102-01-01") && later.nextChange().equals("2105-01-01"),
                "for 36 months");
        check(Retention.phaseName(later.phase()).equals("intermediate_archive"), "its name");

        engine.setTime(NOW + 900 * DAY);
        int purpose = engine.findPurpose("aides_facultatives");
        AccessRequest ordinary = AccessRequest.of(engine.findProfessional("ass1"),
                engine.findPerson("P-1"), financial, purpose);
        check(engine.decide(ordinary).reason() == SocleLibrary.SOCLE_REASON_ARCHIVED,
                "an ordinary professional is refused");
        AccessRequest archivist = AccessRequest.of(engine.findProfessional("resp1"),
                engine.findPerson("P-1"), financial, purpose);
        check(Retention.decideWithArchiveReason(engine, archivist, "Recours gracieux", null)
                        .reason() == SocleLibrary.SOCLE_REASON_ALLOWED_ARCHIVIST,
                "the archivist with a reason");
        check(Retention.decideWithArchiveReason(engine, archivist, "", null).reason()
                        == SocleLibrary.SOCLE_REASON_NOT_ASSIGNED,
                "the archivist without a reason is an outsider to the file");

        expectError(() -> Retention.recordContact(engine, "P-1", 9, "", "", "ass1"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "originator",
                "an originator that does not exist");
        SocleException e = expectError(() -> Retention.phases(engine, "P-SECRET-7", ""),
                SocleLibrary.SOCLE_E_NOT_FOUND, "an unknown person");
        check(e == null || !e.getMessage().contains("P-SECRET-7"), "not named");
    }

    static void rights() throws Exception {
        AccessEngine engine = engine();
        Retention.recordRightsRequest(engine, "DA-1",
                SocleLibrary.SOCLE_RIGHTS_REQUEST_KIND_ACCESS, "P-1", "", 0,
                SocleLibrary.SOCLE_CONSENT_CHANNEL_PAPER, "ass1");
        Retention.RightsRequest request = Retention.getRightsRequest(engine, "DA-1", "");
        check(request.deadline().equals("2100-02-01") && request.daysLeft() == 31,
                "due in one month");
        check(request.status() == SocleLibrary.SOCLE_RIGHTS_REQUEST_STATUS_OPEN, "open");
        check(Retention.openRightsRequests(engine, "P-1", "").size() == 1,
                "the person's open list");
        check(Retention.rightsRequestsDueWithin(engine, "2100-01-25", 7).size() == 1, "due soon");
        check(Retention.overdueRightsRequests(engine, "").isEmpty(), "not overdue yet");

        engine.setTime(NOW + 40 * DAY);
        SocleException e = expectError(() -> Retention.extendRightsRequest(engine, "DA-1",
                        "Pièces", 0, 2, "ass1"),
                SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "an extension told too late");
        check(e == null || e.getMessage().startsWith("extension_too_late:"),
                "the message says why");
        List<Retention.RightsRequest> overdue = Retention.overdueRightsRequests(engine, "");
        check(overdue.size() == 1 && overdue.get(0).request().equals("DA-1")
                        && overdue.get(0).daysLeft() == -9,
                "on the DPO's overdue list, 9 days late");
        Retention.closeRightsRequest(engine, "DA-1", false, "", "", "ass1");
        check(Retention.rightsRegister(engine, "").get(0).status()
                        == SocleLibrary.SOCLE_RIGHTS_REQUEST_STATUS_ANSWERED,
                "answered");
        expectError(() -> Retention.recordRightsRequest(engine, "DA-2", 42, "P-1", "", 0,
                        SocleLibrary.SOCLE_CONSENT_CHANNEL_PAPER, "ass1"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "kind", "a kind that does not exist");
    }

    static void breach() throws Exception {
        AccessEngine engine = engine();
        long aware = NOW - 3600;
        Retention.recordBreach(engine, "V-1", aware, List.of("confidentiality", "lost_laptop"),
                SocleLibrary.SOCLE_BREACH_RISK_HIGH, "", false, "", 120, 300, "ass1");
        Retention.Breach breach = Retention.getBreach(engine, "V-1");
        check(breach.nature().equals(List.of("confidentiality", "lost_laptop")), "its nature");
        check(breach.authorityDeadlineUnixSeconds() == aware + 72 * 3600, "72 hours");
        check(breach.personNotificationRequired(), "the persons must be told");
        check(Retention.overdueBreachNotifications(engine, aware + 73 * 3600).size() == 1,
                "late for the authority after 72 hours");
        expectError(() -> Retention.closeBreach(engine, "V-1", "ass1"),
                SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "closing before the notifications");
        Retention.notifyBreachAuthority(engine, "V-1", 0, "", "CNIL-1", "ass1");
        Retention.notifyBreachPersons(engine, "V-1", 0, "letter", "ass1");
        Retention.closeBreach(engine, "V-1", "ass1");
        List<Retention.Breach> register = Retention.breachRegister(engine);
        check(register.size() == 1 && register.get(0).closedUnixSeconds() == NOW, "closed");
        expectError(() -> Retention.recordBreach(engine, "V-2", 0, List.of("availability"), 0,
                        "", false, "", 0, 0, "ass1"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "risk", "a risk that does not exist");
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "retention", RetentionTest::retention,
                "rights", RetentionTest::rights,
                "breach", RetentionTest::breach);
        Harness.run("RetentionTest", cases, args);
    }
}
