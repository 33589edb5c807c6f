package fr.socle;

import java.util.List;

/**
 * A failed socle call: the status code (SOCLE_E_*), its stable name ("POLICY_INVALID"), the
 * message and, for a policy, one Diagnostic per problem found.
 */
public class SocleException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String statusName;
    private final transient List<Diagnostic> diagnostics;

    public SocleException(int status, String statusName, String message,
            List<Diagnostic> diagnostics) {
        super(describe(message, diagnostics));
        this.status = status;
        this.statusName = statusName;
        this.diagnostics = List.copyOf(diagnostics);
    }

    private static String describe(String message, List<Diagnostic> diagnostics) {
        StringBuilder text = new StringBuilder(message);
        for (Diagnostic d : diagnostics) {
            text.append("\n  ").append(d);
        }
        return text.toString();
    }

    /** SOCLE_E_* (SocleLibrary.SOCLE_E_PARSE…). */
    public int status() {
        return status;
    }

    public String statusName() {
        return statusName;
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
