package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;

/** A loaded, validated policy (immutable, thread-safe). */
public final class Policy extends Handle {
    private Policy(PointerByReference out) {
        super(out.getValue(), p -> Socle.lib().socle_policy_free(p));
    }

    /**
     * Parses, validates and compiles a policy in protobuf text format; a SocleException with
     * status SOCLE_E_PARSE or SOCLE_E_POLICY_INVALID carries one Diagnostic per problem.
     */
    public static Policy load(String text, String sourceName) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_policy_load(text, Socle.size(Socle.utf8Length(text)),
                sourceName, out, error), error);
        return new Policy(out);
    }

    public static Policy loadFile(String path) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_policy_load_file(path, out, error), error);
        return new Policy(out);
    }

    public String id() {
        return Socle.lib().socle_policy_id(pointer());
    }

    public String revision() {
        return Socle.lib().socle_policy_revision(pointer());
    }

    public String digestHex() {
        return Socle.lib().socle_policy_digest_hex(pointer());
    }

    static SocleLibrary lib() {
        return Socle.lib();
    }
}
