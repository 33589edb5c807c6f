package fr.socle;

import java.util.List;

/**
 * An export file refused by the reader: besides the status code (SOCLE_E_VERIFICATION_FAILED for
 * an altered file, SOCLE_E_DATA_LOSS for a truncated one…), why (problem(), a
 * SocleLibrary.SOCLE_EXPORT_PROBLEM_* constant; problemName(), "altered") and where (offset(), the
 * byte where it was found).
 */
public final class ExportFileException extends SocleException {
    private static final long serialVersionUID = 1L;
    private final int problem;
    private final long offset;

    public ExportFileException(int status, String statusName, String message, int problem,
            long offset) {
        super(status, statusName, message, List.of());
        this.problem = problem;
        this.offset = offset;
    }

    /** SocleLibrary.SOCLE_EXPORT_PROBLEM_*. */
    public int problem() {
        return problem;
    }

    /** "truncated", "altered"… */
    public String problemName() {
        return Socle.orEmpty(Socle.lib().socle_export_problem_name(problem));
    }

    /** The byte of the file where the problem was found. */
    public long offset() {
        return offset;
    }
}
