package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The analysis of one policy (socle/policy_analysis.hpp; docs/policy-analysis.md): every case of
 * the policy decided by an access engine of its own, so that a property is proven or refuted with
 * the smallest counter-example, and two policies are compared case by case. Immutable and
 * thread-safe; it keeps its own copy of the policy. Reports are socle's JSON
 * (socle.v1.PropertyReport, socle.v1.PolicyDiffReport in proto/socle/v1/analysis.proto), with
 * the counts a caller needs without parsing it.
 *
 * <p>A statement that does not parse, or names what the policy does not declare, throws a
 * SocleException with SOCLE_E_INVALID_ARGUMENT whose message says at which character.
 */
public final class PolicyAnalysis extends Handle {
    private static final Map<String, Integer> LANGUAGES = Map.of(
            "fr", SocleLibrary.SOCLE_ANALYSIS_LANG_FR,
            "en", SocleLibrary.SOCLE_ANALYSIS_LANG_EN);

    /** The results of proving properties: the JSON report and how many do not hold. */
    public record Report(String json, long failed) {
        /** Whether every property of the report holds. */
        public boolean holds() {
            return failed == 0;
        }
    }

    /**
     * The difference of two policies: the JSON report, its summary (one sentence per role, kind
     * of change and relation) and the number of cases whose outcome changes.
     */
    public record Diff(String json, List<String> summary, long changedCases) {
        /** True when some case changes. */
        public boolean changed() {
            return changedCases != 0;
        }
    }

    private PolicyAnalysis(PointerByReference out) {
        super(out.getValue(), p -> Socle.lib().socle_policy_analysis_free(p));
    }

    /** Builds the analysis of {@code policy} (its world, on an engine of its own). */
    public static PolicyAnalysis create(Policy policy) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_policy_analysis_create(policy.pointer(), out, error), error);
        return new PolicyAnalysis(out);
    }

    /** The number of cases of the whole space that can occur. */
    public long spaceSize() {
        return Socle.lib().socle_policy_analysis_space_size(pointer());
    }

    /** Proves every property the policy declares, in its order. */
    public Report prove() {
        return prove(List.of());
    }

    /**
     * Proves the declared properties of {@code ids}, in that order (all when empty); a
     * SocleException with SOCLE_E_NOT_FOUND naming the index of an id the policy lacks.
     */
    public Report prove(List<String> ids) {
        Socle.Strings names = Socle.Strings.of(ids);
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        long[] failed = new long[1];
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_policy_analysis_prove_declared(pointer(),
                ids.isEmpty() ? null : names.pointers, ids.isEmpty() ? null : names.lengths,
                Socle.size(ids.size()), out, failed, error);
        byte[] bytes = Socle.take(out);
        Socle.check(status, error);
        return new Report(new String(bytes, StandardCharsets.UTF_8), failed[0]);
    }

    /** Proves one statement (the grammar of docs/policy-analysis.md); its finding's id is "". */
    public Report proveStatement(String statement) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        long[] failed = new long[1];
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_policy_analysis_prove(pointer(), statement,
                Socle.size(Socle.utf8Length(statement)), out, failed, error);
        byte[] bytes = Socle.take(out);
        Socle.check(status, error);
        return new Report(new String(bytes, StandardCharsets.UTF_8), failed[0]);
    }

    /**
     * Every case whose outcome differs between this policy (before) and {@code after}'s, the
     * summary in {@code language} "fr" or "en" (anything else: SOCLE_E_INVALID_ARGUMENT naming
     * the language).
     */
    public Diff diff(PolicyAnalysis after, String language) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        SocleLibrary.Buffer summary = new SocleLibrary.Buffer();
        long[] changed = new long[1];
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_policy_analysis_diff_policies(pointer(), after.pointer(),
                language == null ? 0 : LANGUAGES.getOrDefault(language, 0), out, summary,
                changed, error);
        byte[] json = Socle.take(out);
        byte[] text = Socle.take(summary);
        Socle.check(status, error);
        List<String> sentences = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                sentences.add(line);
            }
        }
        return new Diff(new String(json, StandardCharsets.UTF_8), List.copyOf(sentences),
                changed[0]);
    }

    /** diff() of two policies, each analysed for this call. */
    public static Diff diffPolicies(Policy before, Policy after, String language) {
        PolicyAnalysis b = create(before);
        try {
            PolicyAnalysis a = create(after);
            try {
                return b.diff(a, language);
            } finally {
                a.close();
            }
        } finally {
            b.close();
        }
    }
}
