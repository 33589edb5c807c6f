package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.Map;

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

    private static final Map<String, Integer> REGISTER_FORMATS = Map.of(
            "markdown", SocleLibrary.SOCLE_REGISTER_MARKDOWN,
            "md", SocleLibrary.SOCLE_REGISTER_MARKDOWN,
            "json", SocleLibrary.SOCLE_REGISTER_JSON,
            "jsonld", SocleLibrary.SOCLE_REGISTER_JSONLD);
    private static final Map<String, Integer> REGISTER_LANGUAGES = Map.of(
            "fr", SocleLibrary.SOCLE_REGISTER_LANG_FR,
            "en", SocleLibrary.SOCLE_REGISTER_LANG_EN);

    /**
     * The register of processing activities (GDPR art. 30(1) a-g for every activity) as
     * "markdown" (alias "md"), "json" (schema socle.v1.Register) or "jsonld" (JSON-LD in the W3C
     * Data Privacy Vocabulary), in {@code language} "fr" (the headings of the CNIL's model
     * register) or "en". A SocleException with SOCLE_E_INVALID_ARGUMENT for any other format or
     * language (an unknown name reaches the library as 0, which refuses it and names it).
     */
    public String renderRegister(String format, String language) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_policy_render_register_lang(pointer(),
                format == null ? 0 : REGISTER_FORMATS.getOrDefault(format, 0),
                language == null ? 0 : REGISTER_LANGUAGES.getOrDefault(language, 0), out, error);
        byte[] bytes = Socle.take(out);
        Socle.check(status, error);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The register as Markdown in French, the default. */
    public String renderRegister() {
        return renderRegister("markdown", "fr");
    }

    static SocleLibrary lib() {
        return Socle.lib();
    }
}
