package fr.socle.test;

import fr.socle.SocleException;
import java.util.Map;

/**
 * What every Java test class of the bindings shares: the checks, the expected errors, the
 * environment, and the runner of one case named on the command line (exit code 0 only when every
 * check of the case passed, 1 otherwise, 2 for an unknown case).
 */
final class Harness {
    /** A test case, or the call an expected error must come from. */
    interface Call {
        void run() throws Exception;
    }

    private static int failures = 0;

    private Harness() {}

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            failures++;
            System.err.println("FAILED: " + what);
        }
    }

    /** Runs `call`, which must throw a SocleException with `status`; returns it (or null). */
    static SocleException expectError(Call call, int status, String what) {
        try {
            call.run();
        } catch (SocleException e) {
            check(e.status() == status, what + ": status " + e.status() + " (" + e.statusName()
                    + "), expected " + status + ": " + e.getMessage());
            return e;
        } catch (Exception e) {
            check(false, what + ": " + e);
            return null;
        }
        check(false, what + ": no exception");
        return null;
    }

    /** expectError(call, status, what), and the message names `names`. */
    static SocleException expectError(Call call, int status, String names, String what) {
        SocleException e = expectError(call, status, what);
        if (e != null) {
            check(e.getMessage().contains(names),
                    what + ": '" + e.getMessage() + "' does not name " + names);
        }
        return e;
    }

    /** Runs the case args[0] of `cases` and exits. */
    static void run(String program, Map<String, Call> cases, String[] args) {
        String name = args.length == 1 ? args[0] : "";
        Call call = cases.get(name);
        if (call == null) {
            System.err.println("usage: " + program + " " + String.join("|", cases.keySet()));
            System.exit(2);
        }
        try {
            call.run();
        } catch (Throwable t) {
            failures++;
            System.err.println("FAILED: " + t);
            t.printStackTrace();
        }
        if (failures > 0) {
            System.err.println(name + ": " + failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println(name + ": ok");
    }
}
