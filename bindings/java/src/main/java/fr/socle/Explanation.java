package fr.socle;

import java.util.List;
import java.util.Optional;

/** A decision and the trace of every check the engine ran for it. */
public record Explanation(Decision decision, List<Step> steps, String text) {
    /** One check: which, whether it passed, the policy element it rests on, a sentence. */
    public record Step(String check, boolean passed, boolean decisive, String rule,
            String detail) {}

    /** The step that gave the decision its reason. */
    public Optional<Step> decisiveStep() {
        return steps.stream().filter(Step::decisive).findFirst();
    }

    @Override
    public String toString() {
        return text;
    }
}
