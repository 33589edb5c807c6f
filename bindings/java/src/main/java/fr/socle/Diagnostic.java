package fr.socle;

import fr.socle.jna.SocleLibrary;

/** One problem of a policy: where (path, line, column; 0 when unknown) and what. */
public record Diagnostic(int severity, String code, String path, int line, int column,
        String message) {
    public boolean isError() {
        return severity == SocleLibrary.SOCLE_SEVERITY_ERROR;
    }

    @Override
    public String toString() {
        return line + ":" + column + ": " + (isError() ? "error" : "warning") + ": " + message
                + (code.isEmpty() ? "" : " [" + code + "]");
    }
}
